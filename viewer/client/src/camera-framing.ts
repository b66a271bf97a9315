/**
 * Framing the lanes: placing the camera so that a box (every lane's robot and goal) fills the view less a
 * margin (room for the labels above the robots), and, while the camera follows all lanes, keeping the box in view as the robots
 * run: the orbit target glides to the box's centre and the camera backs off as far as the box needs. The
 * user's orbit and zoom still work: zooming in stops where the box would no longer fit, zooming out stays.
 */
import { Box3, Vector3 } from 'three';
import type { Stage } from './stage.js';

/** Tangents of the half-angles a part of the view spans around the view axis, horizontally and vertically. */
export interface ViewSpan {
  x: number;
  y: number;
}

/** Time constant of the orbit target gliding after the lanes (s). */
const GLIDE_SECONDS = 0.35;
/** Relative change of the camera distance taken for the user's zoom. */
const ZOOM_TOLERANCE = 1e-4;
/** Margins of the framed box in the view (CSS pixels): at the sides, and above and below (a label's room). */
const SIDE_MARGIN_PX = 16;
const TOP_MARGIN_PX = 36;

/**
 * The least distance from `target` along `toCamera` (unit) at which every corner of `box` projects within
 * `span` of the view axis, for a camera looking at `target` with `up` as its up direction.
 */
export function fitDistance(box: Box3, target: Vector3, toCamera: Vector3, up: Vector3, span: ViewSpan): number {
  const right = new Vector3().crossVectors(up, toCamera);
  if (right.lengthSq() < 1e-12) right.set(1, 0, 0); // looking straight down: any horizontal right will do
  right.normalize();
  const upward = new Vector3().crossVectors(toCamera, right);
  let distance = 0;
  for (const corner of corners(box)) {
    const q = corner.sub(target);
    const depth = q.dot(toCamera);
    distance = Math.max(distance, depth + Math.abs(q.dot(right)) / span.x, depth + Math.abs(q.dot(upward)) / span.y);
  }
  return distance;
}

/** The stage's camera, framing boxes and following them. */
export class CameraFraming {
  /** Distance the user chose (or the last framing's), kept while the box fits. */
  private preferred = 0;
  /** Distance this framing last set (a different distance next frame means the user zoomed). */
  private placed = 0;

  constructor(private readonly stage: Stage) {}

  /** Look at the centre of `box` along `toCamera` (unit; default: the current view direction) from where it just fits. */
  frame(box: Box3, toCamera: Vector3 = this.viewDirection()): void {
    const { camera, controls } = this.stage;
    box.getCenter(controls.target);
    this.place(toCamera, fitDistance(box, controls.target, toCamera, camera.up, this.span()));
    this.preferred = this.placed;
  }

  /** Glide the orbit target toward the centre of `box` (horizontally) over `seconds`, and back off as far as `box` needs. */
  track(box: Box3, seconds: number): void {
    const { camera, controls } = this.stage;
    const toCamera = this.viewDirection();
    const current = camera.position.distanceTo(controls.target);
    if (Math.abs(current - this.placed) > ZOOM_TOLERANCE * current) this.preferred = current;
    const blend = 1 - Math.exp(-seconds / GLIDE_SECONDS);
    const centre = box.getCenter(new Vector3());
    controls.target.x += (centre.x - controls.target.x) * blend;
    controls.target.y += (centre.y - controls.target.y) * blend;
    const fit = fitDistance(box, controls.target, toCamera, camera.up, this.span());
    this.place(toCamera, Math.max(fit, current + (Math.max(this.preferred, fit) - current) * blend));
  }

  /** The view less the framing margins. */
  private span(): ViewSpan {
    return this.stage.viewSpan(SIDE_MARGIN_PX, TOP_MARGIN_PX);
  }

  /** Unit vector from the orbit target to the camera. */
  private viewDirection(): Vector3 {
    return this.stage.camera.position.clone().sub(this.stage.controls.target).normalize();
  }

  private place(toCamera: Vector3, distance: number): void {
    const { camera, controls } = this.stage;
    camera.position.copy(controls.target).addScaledVector(toCamera, distance);
    this.placed = distance;
  }
}

/** The 8 corners of `box`. */
function corners(box: Box3): Vector3[] {
  const { min, max } = box;
  return [0, 1, 2, 3, 4, 5, 6, 7].map((i) => new Vector3(i & 1 ? max.x : min.x, i & 2 ? max.y : min.y, i & 4 ? max.z : min.z));
}
