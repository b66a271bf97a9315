/**
 * Task markers in every lane: a goal flag (sphere on a pole, ring on the ground; draggable), an arrow for target velocity
 * (length = distance per second, with a "pace gate" moving at the target speed), running direction and
 * walking angle. Dynamics (params) tasks have no marker: the HUD shows them.
 */
import { Box3, BoxGeometry, ConeGeometry, CylinderGeometry, DoubleSide, Group, Mesh, MeshBasicMaterial, MeshStandardMaterial, RingGeometry, SphereGeometry, Vector3 } from 'three';
import { disposeTree } from './dispose.js';
import type { LaneLayout } from './lane-layout.js';
import type { TaskView } from './task-view.js';

const GOAL_COLOUR = 0x2bb673;
const ARROW_COLOUR = 0xff7f11;
/** Height of flat markers above the ground, in robot sizes (keeps them out of the grid). */
const MARKER_LIFT = 0.01;
/** Least radius of a goal flag's sphere, in lane spacings (small robots' goals stay visible from afar). */
const GOAL_RADIUS = 0.025;
const Y_AXIS = new Vector3(0, 1, 0);

export class TaskMarkers {
  readonly object = new Group();
  private goals: Group[] = [];
  private gates: Mesh[] = [];
  private targetVelocity = 0;

  constructor(private readonly layout: LaneLayout) {}

  /** Replace the markers with those of `view` in every lane. */
  show(view: TaskView): void {
    disposeTree(this.object);
    this.object.clear();
    this.goals = [];
    this.gates = [];
    this.targetVelocity = view.kind === 'velocity' ? view.targetVelocity : 0;
    this.layout.origins.forEach((origin, lane) => {
      const marker = this.markerFor(view, lane);
      if (!marker) return;
      marker.position.add(origin);
      this.object.add(marker);
    });
  }

  /** Move the pace gates to where a robot at the target velocity would be after `seconds`. */
  update(seconds: number): void {
    for (const gate of this.gates) gate.position.x = this.targetVelocity * seconds;
  }

  /** The goal marker groups (one per lane, `userData.lane` set, first child the flag's sphere), for picking. */
  goalMarkers(): readonly Group[] {
    return this.goals;
  }

  /** `out` grown to hold every marker where it is now (unchanged without markers). */
  expandBox(out: Box3): Box3 {
    return out.expandByObject(this.object);
  }

  /** Put every lane's goal marker at (x, y) relative to its lane origin (m). */
  moveGoal(x: number, y: number): void {
    this.goals.forEach((goal, lane) => goal.position.set(x, y, 0).add(this.layout.origins[lane]));
  }

  private markerFor(view: TaskView, lane: number): Group | undefined {
    const size = this.layout.robotSize;
    switch (view.kind) {
      case 'goal':
        return this.goalMarker(view.goal, lane);
      case 'velocity':
        return this.velocityMarker(view.targetVelocity);
      case 'direction':
        return arrow(new Vector3(Math.sign(view.direction) || 1, 0, 0), 1.5 * size, this.thickness(), size);
      case 'angle':
        return arrow(new Vector3(Math.cos(view.angle), Math.sin(view.angle), 0), 1.5 * size, this.thickness(), size);
      default:
        return undefined;
    }
  }

  /** Shaft radius of arrows (m). */
  private thickness(): number {
    return 0.03 * this.layout.robotSize;
  }

  /** A flag: a ring on the ground, a pole and a sphere on top (visible from afar, the whole flag can be dragged). */
  private goalMarker(goal: [number, number], lane: number): Group {
    const { robotSize, robotHeight, spacing } = this.layout;
    const radius = Math.max(0.15 * robotSize, GOAL_RADIUS * spacing);
    const material = new MeshStandardMaterial({ color: GOAL_COLOUR, emissive: GOAL_COLOUR, emissiveIntensity: 0.35 });
    const top = Math.max(2 * radius, 1.5 * robotHeight);
    const sphere = new Mesh(new SphereGeometry(radius, 24, 16), material);
    sphere.position.z = top;
    const pole = new Mesh(new CylinderGeometry(0.15 * radius, 0.15 * radius, top, 10), material);
    pole.rotation.x = Math.PI / 2;
    pole.position.z = top / 2;
    const ring = new Mesh(new RingGeometry(1.6 * radius, 2.2 * radius, 40), new MeshBasicMaterial({ color: GOAL_COLOUR, side: DoubleSide }));
    ring.position.z = MARKER_LIFT * robotSize;
    for (const part of [sphere, pole]) part.castShadow = true;
    const marker = new Group();
    marker.add(sphere, pole, ring);
    marker.position.set(goal[0], goal[1], 0);
    marker.userData.lane = lane;
    this.goals.push(marker);
    return marker;
  }

  private velocityMarker(targetVelocity: number): Group {
    const { robotSize, robotHeight, spacing } = this.layout;
    const marker = arrow(new Vector3(Math.sign(targetVelocity) || 1, 0, 0), Math.max(0.2 * robotSize, Math.abs(targetVelocity)), this.thickness(), 0);
    const gate = new Mesh(new BoxGeometry(0.02 * robotSize, 0.8 * spacing, robotHeight), new MeshBasicMaterial({ color: ARROW_COLOUR, transparent: true, opacity: 0.25, depthWrite: false }));
    gate.position.z = robotHeight / 2;
    this.gates.push(gate);
    marker.add(gate);
    return marker;
  }
}

/** An arrow lying on the ground along `direction`, starting `start` m from the lane origin: `length` m long, shaft radius `thickness` m. */
function arrow(direction: Vector3, length: number, thickness: number, start: number): Group {
  const material = new MeshStandardMaterial({ color: ARROW_COLOUR, emissive: ARROW_COLOUR, emissiveIntensity: 0.3 });
  const headLength = Math.min(0.35 * length, 8 * thickness);
  const shaft = new Mesh(new CylinderGeometry(thickness, thickness, length - headLength, 12), material);
  shaft.position.y = (length - headLength) / 2;
  const head = new Mesh(new ConeGeometry(2.5 * thickness, headLength, 20), material);
  head.position.y = length - headLength / 2;
  const pointing = new Group();
  pointing.add(shaft, head);
  const unit = direction.clone().normalize();
  pointing.quaternion.setFromUnitVectors(Y_AXIS, unit);
  pointing.position.copy(unit).multiplyScalar(start).setZ(thickness);
  const group = new Group();
  group.add(pointing);
  return group;
}
