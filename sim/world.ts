/**
 * PhysicsWorld: a Rapier world with a fixed timestep, optional ground, snapshot/restore and a
 * determinism hash. Robots are added with `buildRobot` (build.ts).
 */
import { createHash } from 'node:crypto';
import type RAPIER_NS from '@dimforge/rapier3d-simd-compat';
import { physics } from './rapier.js';
import type { Vec3 } from './robot-spec.js';

/** Collision group bits: robots collide with the ground only (never with themselves or each other). */
const GROUND_BIT = 0x0001;
const ROBOT_BIT = 0x0002;
/** Interaction groups (membership << 16 | filter) for ground colliders. */
export const GROUND_GROUPS = (GROUND_BIT << 16) | ROBOT_BIT;
/** Interaction groups for robot colliders that touch the ground. */
export const ROBOT_GROUPS = (ROBOT_BIT << 16) | GROUND_BIT;
/** Interaction groups for robot colliders that touch nothing (floating or table-top robots). */
export const ROBOT_NO_CONTACT_GROUPS = ROBOT_BIT << 16;

/** Options of a {@link PhysicsWorld}. */
export interface WorldOptions {
  /** Physics timestep (s). Fixed for the world's life. */
  dt: number;
  /** Gravity (m/s^2); default [0, 0, -9.81]. */
  gravity?: Vec3;
  /** Flat ground with its top face at z = 0, or false for none. */
  ground?: { friction: number } | false;
  /** Velocity-solver iterations per step (Rapier default 4). */
  solverIterations?: number;
}

/** Half extents of the ground slab (m): large enough for long runs and many robots side by side. */
const GROUND_HALF_EXTENTS: Vec3 = [2000, 2000, 0.5];

/** A Rapier world stepped at a fixed dt. Call `free()` when done: WASM memory is never reclaimed otherwise. */
export class PhysicsWorld {
  /** The underlying Rapier world. Replaced by `restore()`: do not keep references to it. */
  raw: RAPIER_NS.World;
  readonly dt: number;
  readonly options: Readonly<WorldOptions>;
  private readonly restoreListeners: Array<() => void> = [];

  constructor(options: WorldOptions) {
    if (!(options.dt > 0 && options.dt <= 0.05)) throw new Error(`PhysicsWorld: dt must be in (0, 0.05] s, got ${options.dt}.`);
    const R = physics();
    this.options = options;
    this.dt = options.dt;
    const g = options.gravity ?? [0, 0, -9.81];
    this.raw = new R.World({ x: g[0], y: g[1], z: g[2] });
    this.raw.timestep = options.dt;
    if (options.solverIterations !== undefined) this.raw.integrationParameters.numSolverIterations = options.solverIterations;
    if (options.ground) this.addGround(options.ground.friction);
  }

  private addGround(friction: number): void {
    const R = physics();
    const [hx, hy, hz] = GROUND_HALF_EXTENTS;
    const body = this.raw.createRigidBody(R.RigidBodyDesc.fixed().setTranslation(0, 0, -hz));
    const desc = R.ColliderDesc.cuboid(hx, hy, hz)
      .setFriction(friction)
      .setFrictionCombineRule(R.CoefficientCombineRule.Multiply)
      .setCollisionGroups(GROUND_GROUPS);
    this.raw.createCollider(desc, body);
  }

  /** Advance the simulation by `n` fixed timesteps. */
  step(n = 1): void {
    for (let i = 0; i < n; i++) this.raw.step();
  }

  /** Serialise the full world state (bodies, joints, contacts, solver caches). */
  snapshot(): Uint8Array {
    return this.raw.takeSnapshot();
  }

  /** Replace the world state with a snapshot taken from this world; robots re-bind their handles. */
  restore(snapshot: Uint8Array): void {
    const restored = physics().World.restoreSnapshot(snapshot);
    this.raw.free();
    this.raw = restored;
    for (const listener of this.restoreListeners) listener();
  }

  /** Register a callback run after every `restore()` (robots use it to look their bodies up again). */
  onRestore(listener: () => void): void {
    this.restoreListeners.push(listener);
  }

  /**
   * A hex digest of every body's pose and velocity, in handle order: equal hashes mean bit-identical
   * states. Used to check determinism.
   */
  hash(): string {
    const values: number[] = [];
    this.raw.forEachRigidBody((b) => {
      const t = b.translation();
      const r = b.rotation();
      const v = b.linvel();
      const w = b.angvel();
      values.push(b.handle, t.x, t.y, t.z, r.x, r.y, r.z, r.w, v.x, v.y, v.z, w.x, w.y, w.z);
    });
    return createHash('sha256').update(new Uint8Array(Float64Array.from(values).buffer)).digest('hex').slice(0, 16);
  }

  /** Release the WASM memory of this world. */
  free(): void {
    this.raw.free();
  }
}
