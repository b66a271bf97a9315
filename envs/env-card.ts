/**
 * Env cards: the plain-JSON description of an env (layouts, reward terms, task ranges, horizon, physics
 * engine and settings, the reference task and the deliberate differences from it) and its stable hash.
 */
import { createHash } from 'node:crypto';
import { engineVersion } from '../sim/rapier.js';
import { taskFeatureDim, type EnvOptions, type RobotTaskDef } from './task-def.js';
import type { EnvCard, Task } from './types.js';

/** The card's reference when a definition declares none. */
export const NO_REFERENCE = 'none declared (an original task)';

/** Build the env card and its hash. */
export function envCard<T extends Task>(def: RobotTaskDef<T>, options: EnvOptions): EnvCard {
  const obsLayout = [...def.observation.layout];
  if (options.oracle) obsLayout.push({ name: 'task', size: taskFeatureDim(def), description: 'task features (oracle mode)' });
  const actLayout = def.robot.actuators.map((a) => ({ name: a.kind === 'joint' ? a.joint : `force.${'xyz'[a.axis]}`, size: 1, description: `gear ${a.gear}` }));
  const body: Omit<EnvCard, 'hash'> = {
    id: def.id,
    description: def.description,
    robot: def.robot.name,
    observation: { dim: obsLayout.reduce((s, e) => s + e.size, 0), layout: obsLayout },
    action: { dim: actLayout.length, layout: actLayout, low: -1, high: 1 },
    rewardTerms: def.rewardTerms,
    task: { parameters: [...def.tasks.parameters], hiddenFromObservation: !options.oracle },
    horizon: def.horizon,
    controlDt: def.physics.dt * def.physics.frameSkip,
    physics: { engine: engineVersion(), dt: def.physics.dt, frameSkip: def.physics.frameSkip, solverIterations: def.physics.solverIterations ?? 4 },
    ...(def.success ? { success: def.success } : {}),
    reference: def.reference ?? NO_REFERENCE,
    differences: [...(def.differences ?? [])],
  };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { ...body, hash };
}
