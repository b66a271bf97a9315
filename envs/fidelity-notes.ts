/**
 * Sentences that several env families put in their `differences` (RobotTaskDef.differences): deviations from the
 * reference code that come from the simulator rather than from one task. Each is one sentence, as env cards and
 * the README's fidelity table show them.
 */

/** The engine: every reference except MAML's point runs MuJoCo. */
export const RAPIER_NOT_MUJOCO = 'Rapier (rigid-body impulse solver) instead of MuJoCo: contacts, joint limits and integration differ, so the same actions give other trajectories.';

/**
 * MuJoCo's joint armature, which Rapier lacks, as extra rotational inertia of each limb body.
 * @param ours extra inertia per limb (kg·m^2), on every axis of the body
 * @param xml the reference model's joint armature
 * @param reason the measured reason when `ours` differs from `xml`
 */
export function armatureNote(ours: number, xml: number, reason?: string): string {
  const head = `Joint armature is ${ours} kg·m^2 of extra inertia on every axis of each limb body (the xml: armature ${xml} on the joint axis)`;
  return reason ? `${head}: ${reason}.` : `${head}.`;
}

/** Gaussian instead of uniform velocity noise at reset (envs/robot-episode.ts draws scale·N(0, 1)). */
export function velocityNoiseNote(scale: number): string {
  return `Reset velocity noise is ${scale}·N(0, 1) instead of the reference's uniform ±${scale}.`;
}
