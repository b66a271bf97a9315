/**
 * Helpers for writing MuJoCo-style planar robots (motion in the x-z plane, hinges about y).
 */
import type { ShapeSpec, Vec3 } from '../robot-spec.js';

/**
 * Capsule centred at `center` (body frame, m), tilted by `pitch` (rad, right-hand about +y) from the +z axis,
 * with half-length `halfLength` of its segment and `radius` (MuJoCo `axisangle="0 1 0 pitch"` convention).
 */
export function pitchedCapsule(center: Vec3, pitch: number, halfLength: number, radius: number): ShapeSpec {
  const dx = Math.sin(pitch) * halfLength;
  const dz = Math.cos(pitch) * halfLength;
  return { kind: 'capsule', from: [center[0] - dx, center[1], center[2] - dz], to: [center[0] + dx, center[1], center[2] + dz], radius };
}

/** The +y hinge axis of planar robots (half_cheetah.xml: axis="0 1 0"). */
export const PITCH_AXIS: Vec3 = [0, 1, 0];
/** The −y hinge axis of Gym's hopper and walker2d legs (hopper.xml, walker2d.xml: axis="0 -1 0"). */
export const LEG_AXIS: Vec3 = [0, -1, 0];
