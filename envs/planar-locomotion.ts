/**
 * Reward for the hopper and walker families, as rand_param_envs' hopper_rand_params.py / walker2d_rand_params.py:
 * forward velocity + 1 (alive bonus, every step) - 0.001 |a|^2, terminating when the torso leaves a healthy
 * height/pitch band or, for the hopper, when any state entry but x and z reaches the state limit.
 */
import type { RobotHandle } from '../sim/build.js';
import { twistAngle } from '../sim/quat.js';
import { RAPIER_NOT_MUJOCO, velocityNoiseNote } from './fidelity-notes.js';
import { controlCost, rootVelocity } from './reward-terms.js';
import type { RewardContext, RewardOutput } from './task-def.js';
import type { LayoutEntry, Task } from './types.js';

/** Healthy band: torso height (m) and pitch (rad), open intervals; `Infinity` for no upper height bound. */
export interface HealthBand {
  z: [number, number];
  pitch: [number, number];
  /**
   * When set, healthy also needs |s| < stateLimit for every entry of the state but root x and z: the pitch, joint
   * angles, root velocity x, z, pitch rate and joint velocities (MuJoCo's `state_vector()[2:]`, our planar
   * observation without its first entry).
   */
  stateLimit?: number;
}

/** Weight of the control cost `-w |a|^2`. */
const CONTROL_WEIGHT = 1e-3;

/** The largest |entry| of the hopper/walker state without root x and z (see {@link HealthBand.stateLimit}). */
export function planarStateMagnitude(robot: RobotHandle, scratch: Float64Array): number {
  const v = robot.bodyLinvel(0);
  let worst = Math.max(Math.abs(twistAngle(robot.bodyRotation(0), [0, 1, 0])), Math.abs(v[0]), Math.abs(v[2]), Math.abs(robot.bodyAngvel(0)[1]));
  robot.jointAngles(scratch);
  for (let j = 0; j < scratch.length; j++) worst = Math.max(worst, Math.abs(scratch[j]));
  robot.jointVelocities(scratch);
  for (let j = 0; j < scratch.length; j++) worst = Math.max(worst, Math.abs(scratch[j]));
  return Number.isNaN(worst) ? Infinity : worst;
}

/** Reward function of the planar walkers (hopper, walker2d). */
export function planarLocomotionReward(health: HealthBand): (ctx: RewardContext<Task>) => RewardOutput {
  let scratch = new Float64Array(0);
  return (ctx) => {
    const z = ctx.rootAfter[2];
    const pitch = twistAngle(ctx.robot.bodyRotation(0), [0, 1, 0]);
    if (scratch.length !== ctx.robot.numJoints) scratch = new Float64Array(ctx.robot.numJoints);
    const bounded = health.stateLimit === undefined || planarStateMagnitude(ctx.robot, scratch) < health.stateLimit;
    const healthy = z > health.z[0] && z < health.z[1] && pitch > health.pitch[0] && pitch < health.pitch[1] && bounded;
    return { terms: { forward: rootVelocity(ctx)[0], alive: 1, control: controlCost(ctx.action, CONTROL_WEIGHT) }, terminated: !healthy };
  };
}

/** The termination rule of `health` in words, e.g. "torso height > 0.7 m, |pitch| < 0.2 rad, ...". */
export function healthRule(health: HealthBand): string {
  const z = health.z[1] === Infinity ? `torso height > ${health.z[0]} m` : `torso height in (${health.z.join(', ')}) m`;
  const limit = health.stateLimit === undefined ? '' : `, every state entry but x, z within ±${health.stateLimit}`;
  return `${z}, pitch in (${health.pitch.join(', ')}) rad${limit}`;
}

/** Reward-term descriptions of {@link planarLocomotionReward}. */
export function planarLocomotionTerms(health: HealthBand): LayoutEntry[] {
  return [
    { name: 'forward', size: 1, description: 'forward velocity (m/s)' },
    { name: 'alive', size: 1, description: `+1 every step (also on the terminating step); the episode terminates unless ${healthRule(health)}` },
    { name: 'control', size: 1, description: `-${CONTROL_WEIGHT} |a|^2` },
  ];
}

/** Where both randomised-dynamics families deviate from rand_param_envs (dennisl88/rand_param_envs). */
export const PLANAR_PARAMS_DIFFERENCES: readonly string[] = [
  RAPIER_NOT_MUJOCO,
  'Control step 0.008 s (0.004 s x 2, the control rate of Gymnasium v5); rand_param_envs steps 0.004 s x 4 = 0.016 s (base.py hard-codes frame_skip 4), so a 200-step episode spans 1.6 s instead of 3.2 s.',
  "The torso pitch (observed and in the health band) is measured about +y, where the xml's rooty hinge turns about -y: the observed pitch has the opposite sign (the band is symmetric, so termination is the same).",
  'Inertia multipliers are one per body (all three axes) and friction multipliers one per body (sliding friction, floor unchanged); rand_param_envs draws one per principal axis and one per geom and friction coefficient, the floor included.',
  velocityNoiseNote(0.005),
  'Observed velocities are not clipped; rand_param_envs clips them to ±10.',
];
