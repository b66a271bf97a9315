/**
 * Reading a Take step by step, as both the server and the offline replay play it: the poses of every lane
 * at a step (lanes that have ended hold their last pose) and which lanes end at a step. Also the check
 * that a take fits its scene. No Node or DOM imports.
 */
import { POSE_FLOATS } from './protocol.js';
import type { SceneInfo, Take } from './source.js';

/** Steps a take plays: its longest lane. */
export function takeSteps(take: Take): number {
  return Math.max(...take.lanes.map((lane) => lane.length));
}

/** Write every lane's body poses at `step` into `out` ([lanes * bodies * 7]); ended lanes hold their last pose. */
export function writeLanePoses(take: Take, step: number, bodies: number, out: Float32Array): void {
  const stride = bodies * POSE_FLOATS;
  take.lanes.forEach((lane, i) => {
    const at = Math.min(step, lane.length - 1) * stride;
    out.set(lane.poses.subarray(at, at + stride), i * stride);
  });
}

/** Indices of the lanes whose last step is `step`. */
export function lanesEndingAt(take: Take, step: number): number[] {
  return take.lanes.flatMap((lane, i) => (lane.length - 1 === step ? [i] : []));
}

/** Throw an error naming the problem when `take` does not fit `scene` (lane count, lengths, array sizes, finite numbers). */
export function checkTake(take: Take, scene: SceneInfo): void {
  const bodies = scene.robot.bodies.length;
  if (take.lanes.length !== scene.lanes.length) throw new Error(`take has ${take.lanes.length} lanes, the scene has ${scene.lanes.length}`);
  take.lanes.forEach((lane, i) => {
    if (!Number.isInteger(lane.length) || lane.length < 1) throw new Error(`take lane ${i}: length must be a positive integer, got ${lane.length}`);
    if (lane.poses.length !== lane.length * bodies * POSE_FLOATS) throw new Error(`take lane ${i}: poses has ${lane.poses.length} floats, expected length*bodies*7 = ${lane.length * bodies * POSE_FLOATS}`);
    if (lane.rewards.length !== lane.length) throw new Error(`take lane ${i}: rewards has ${lane.rewards.length} entries, expected ${lane.length}`);
    if (!Number.isFinite(lane.return)) throw new Error(`take lane ${i}: return must be finite, got ${lane.return}`);
    if (!lane.poses.every(Number.isFinite)) throw new Error(`take lane ${i}: poses contain NaN or Infinity`);
  });
  if (!take.curve.every(Number.isFinite)) throw new Error('take curve contains NaN or Infinity');
}
