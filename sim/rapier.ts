/**
 * The one place that initialises the Rapier WASM module.
 *
 * Every thread (main or worker) must `await initPhysics()` once before building worlds; later calls
 * return the same promise. {@link physics} hands the module to synchronous code afterwards.
 */
import RAPIER from '@dimforge/rapier3d-simd-compat';

/** The Rapier module type (classes such as World, RigidBodyDesc, ColliderDesc). */
export type Rapier = typeof RAPIER;

let ready: Promise<Rapier> | undefined;
let initialised = false;

/** Initialise Rapier once per thread and resolve to the module. */
export function initPhysics(): Promise<Rapier> {
  ready ??= RAPIER.init().then(() => {
    initialised = true;
    return RAPIER;
  });
  return ready;
}

/** The Rapier module, once {@link initPhysics} has resolved; throws a message naming the fix otherwise. */
export function physics(): Rapier {
  if (!initialised) throw new Error('Rapier is not initialised: `await initPhysics()` before building a world.');
  return RAPIER;
}

/** Engine name and version, as recorded in env cards and result files (e.g. "rapier3d-simd-compat 0.20.0"). */
export function engineVersion(): string {
  return `rapier3d-simd-compat ${RAPIER.version()}`;
}
