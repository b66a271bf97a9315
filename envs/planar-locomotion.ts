/**
 * Reward for the hopper and walker families: forward velocity + alive bonus - control cost, terminating
 * when the torso leaves a healthy height/pitch band (Gym's rule).
 */
import { twistAngle } from '../sim/quat.js';
import { controlCost, rootVelocity } from './reward-terms.js';
import type { RewardContext, RewardOutput } from './task-def.js';
import type { LayoutEntry, Task } from './types.js';

/** Healthy band: torso height (m) and pitch (rad). */
export interface HealthBand {
  z: [number, number];
  pitch: [number, number];
}

/** Reward function of the planar walkers (hopper, walker2d). */
export function planarLocomotionReward(health: HealthBand): (ctx: RewardContext<Task>) => RewardOutput {
  return (ctx) => {
    const z = ctx.rootAfter[2];
    const pitch = twistAngle(ctx.robot.bodyRotation(0), [0, 1, 0]);
    const healthy = z > health.z[0] && z < health.z[1] && pitch > health.pitch[0] && pitch < health.pitch[1];
    return { terms: { forward: rootVelocity(ctx)[0], alive: healthy ? 1 : 0, control: controlCost(ctx.action, 1e-3) }, terminated: !healthy };
  };
}

/** Reward-term descriptions of {@link planarLocomotionReward}. */
export function planarLocomotionTerms(health: HealthBand): LayoutEntry[] {
  return [
    { name: 'forward', size: 1, description: 'forward velocity (m/s)' },
    { name: 'alive', size: 1, description: `+1 while torso height in (${health.z.join(', ')}) m and pitch in (${health.pitch.join(', ')}) rad` },
    { name: 'control', size: 1, description: '-0.001 |a|^2' },
  ];
}
