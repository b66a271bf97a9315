/**
 * Dragging a goal marker across the ground: the point grabbed moves in its horizontal plane under the
 * pointer, and every lane's marker follows; the orbit controls are off meanwhile (this listener runs in the
 * capture phase, before theirs). On release after a move, the new goal (relative to the lane origin, m)
 * goes to `onDrop`.
 */
import { Plane, Raycaster, Vector2, Vector3 } from 'three';
import type { LanesView } from './lanes-view.js';
import type { Stage } from './stage.js';

export class GoalDrag {
  private readonly raycaster = new Raycaster();
  private dragging: { lane: number; plane: Plane; grabOffset: Vector3; goal: [number, number]; moved: boolean } | undefined;

  constructor(private readonly stage: Stage, private readonly lanes: () => LanesView | undefined, private readonly onDrop: (goal: [number, number]) => void) {
    const canvas = stage.renderer.domElement;
    canvas.addEventListener('pointerdown', (e) => this.start(e), { capture: true });
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', () => this.finish());
    canvas.addEventListener('pointercancel', () => this.finish());
  }

  /** Where lane `lane`'s goal handle (the flag's sphere) appears on the page (CSS pixels), or null when there is none. */
  screenPosition(lane: number): { x: number; y: number } | null {
    const handle = this.lanes()?.markers.goalMarkers()[lane]?.children[0];
    return handle ? this.stage.pagePosition(handle.getWorldPosition(new Vector3())) : null;
  }

  private start(event: PointerEvent): void {
    const markers = this.lanes()?.markers.goalMarkers() ?? [];
    this.aim(event);
    const hit = this.raycaster.intersectObjects([...markers], true)[0];
    if (!hit) return;
    let marker = hit.object;
    while (marker.parent && marker.userData.lane === undefined) marker = marker.parent;
    const grabOffset = hit.point.clone().sub(marker.position).setZ(0);
    this.dragging = { lane: marker.userData.lane as number, plane: new Plane(new Vector3(0, 0, 1), -hit.point.z), grabOffset, goal: [0, 0], moved: false };
    this.stage.controls.enabled = false;
    this.stage.renderer.domElement.setPointerCapture(event.pointerId);
    event.stopPropagation();
  }

  private move(event: PointerEvent): void {
    const lanes = this.lanes();
    if (!this.dragging || !lanes) return;
    this.aim(event);
    const point = this.raycaster.ray.intersectPlane(this.dragging.plane, new Vector3());
    if (!point) return;
    const base = point.sub(this.dragging.grabOffset).sub(lanes.layout.origins[this.dragging.lane]);
    this.dragging.goal = [round(base.x), round(base.y)];
    this.dragging.moved = true;
    lanes.markers.moveGoal(...this.dragging.goal);
  }

  private finish(): void {
    if (!this.dragging) return;
    const { goal, moved } = this.dragging;
    this.dragging = undefined;
    this.stage.controls.enabled = true;
    if (moved) this.onDrop(goal);
  }

  private aim(event: PointerEvent): void {
    const rect = this.stage.renderer.domElement.getBoundingClientRect();
    const ndc = new Vector2(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.stage.camera);
  }
}

/** Millimetre precision. */
function round(metres: number): number {
  return Math.round(metres * 1000) / 1000;
}
