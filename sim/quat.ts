/**
 * Minimal quaternion/vector arithmetic on plain tuples, used for joint angles and forward kinematics.
 * Quaternions are [x, y, z, w] (Rapier's order), unit length.
 */
import type { Vec3 } from './robot-spec.js';

/** A unit quaternion [x, y, z, w]. */
export type Quat = [number, number, number, number];

export const IDENTITY: Readonly<Quat> = [0, 0, 0, 1];

/** Hamilton product a*b (apply b, then a). */
export function quatMul(a: Readonly<Quat>, b: Readonly<Quat>): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

/** Conjugate (= inverse for unit quaternions). */
export function quatConj(q: Readonly<Quat>): Quat {
  return [-q[0], -q[1], -q[2], q[3]];
}

/** Rotation by `angle` (rad) about the unit `axis`. */
export function quatAxisAngle(axis: Vec3, angle: number): Quat {
  const s = Math.sin(angle / 2);
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angle / 2)];
}

/** Rotate vector v by q. */
export function rotate(q: Readonly<Quat>, v: Vec3): [number, number, number] {
  const [x, y, z, w] = q;
  // t = 2 * cross(q.xyz, v); v' = v + w t + cross(q.xyz, t)
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

/**
 * Signed rotation angle (rad, in (-pi, pi]) of `q` about the unit `axis` (its twist component).
 */
export function twistAngle(q: Readonly<Quat>, axis: Vec3): number {
  const proj = q[0] * axis[0] + q[1] * axis[1] + q[2] * axis[2];
  let angle = 2 * Math.atan2(proj, q[3]);
  if (angle > Math.PI) angle -= 2 * Math.PI;
  else if (angle <= -Math.PI) angle += 2 * Math.PI;
  return angle;
}

export function add(a: Vec3, b: Vec3): [number, number, number] {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function sub(a: Vec3, b: Vec3): [number, number, number] {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function scale(a: Vec3, s: number): [number, number, number] {
  return [a[0] * s, a[1] * s, a[2] * s];
}

export function cross(a: Vec3, b: Vec3): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

/** Rotation taking the unit z axis onto the unit vector `dir`. */
export function quatFromZ(dir: Vec3): Quat {
  const d = scale(dir, 1 / norm(dir));
  const w = 1 + d[2];
  if (w < 1e-9) return [1, 0, 0, 0]; // dir = -z: half turn about x
  const q: Quat = [-d[1], d[0], 0, w];
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}
