/**
 * What the half-cheetah families share: physics settings, reset noise and the differences from MAML's cheetah tasks.
 */
import { armatureNote, RAPIER_NOT_MUJOCO } from './fidelity-notes.js';
import type { PhysicsDef, ResetNoise } from './task-def.js';

/** Half-cheetah physics as in Gym: 0.01 s x 5 = 0.05 s per control step. */
export const CHEETAH_PHYSICS: PhysicsDef = { dt: 0.01, frameSkip: 5, ground: true };
/** Gym's half-cheetah reset noise: ±0.1 on positions, 0.1·N(0,1) on velocities. */
export const CHEETAH_RESET_NOISE: ResetNoise = { position: 0.1, velocity: 0.1 };

/**
 * Where the half-cheetah families deviate from MAML's rllab cheetah (cbfinn/maml_rl rllab/envs/mujoco/half_cheetah_env_rand.py,
 * vendor/mujoco_models/half_cheetah.xml); reward weights and task ranges are MAML's.
 */
export const CHEETAH_DIFFERENCES: readonly string[] = [
  RAPIER_NOT_MUJOCO,
  'Control step 0.05 s (0.01 s x 5, as Gym and ProMP); MAML applies each action for one 0.01 s step (rllab frame skip 1), so a 200-step episode spans 10 s instead of 2 s.',
  "Forward velocity is the torso's x displacement over the control step divided by 0.05 s (as ProMP); MAML rewards the instantaneous centre-of-mass velocity (get_body_comvel).",
  "Observation is Gym's 17 entries; MAML's appends the torso centre of mass x, y, z (20 entries).",
  "Reset noise as Gym (uniform ±0.1 on positions, 0.1·N(0, 1) on velocities); MAML's rllab draws 0.01·N(0, 1) on positions.",
  'Total mass 21.2 kg from the shape volumes at 1000 kg/m^3; half_cheetah.xml rescales it to 14 kg (settotalmass).',
  'Friction 0.8 between the robot and the floor; in half_cheetah.xml every geom, the floor included, has friction 0.4.',
  armatureNote(0.1, 0.1),
];
