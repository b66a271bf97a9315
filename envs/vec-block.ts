/**
 * The calls a WorkerVecEnv makes on one block of its envs, as handlers: the same table serves a block in a worker
 * thread (vec-worker.ts) and the block the calling thread steps itself (worker-vec.ts). A block remembers its
 * latest observations, which a block policy acts on.
 */
import { blockActor, type BlockActor, type BlockPolicy } from './block-policy.js';
import type { SyncHandlers } from './sync-channel.js';
import type { Task, VecStepResult } from './types.js';
import type { RobotVecEnv } from './vec-env.js';

/** What `actAndStep` returns: the actions the block policy chose and the step's result. */
export interface ActedStep {
  actions: Float32Array;
  result: VecStepResult;
}

/**
 * Handlers for the block `vec` hosting envs [firstIndex, firstIndex + vec.numEnvs) of the whole vector env.
 * Seeds are the whole env's: a block's env j gets seed + firstIndex + j, as env firstIndex + j would in-process.
 * @param loadActor makes a block policy's actor (a worker imports the policy's module first).
 */
export function vecBlockHandlers(vec: RobotVecEnv<Task>, firstIndex: number, loadActor: (policy: BlockPolicy) => BlockActor | Promise<BlockActor> = blockActor): SyncHandlers {
  let obs: Float32Array | undefined;
  let actor: BlockActor | undefined;
  const step = (actions: Float32Array): VecStepResult => {
    obs = undefined; // a failed step leaves no observations to act on
    const result = vec.step(actions);
    obs = result.obs;
    return result;
  };
  return {
    setTasks: (tasks: Task[]) => vec.setTasks(tasks),
    getTasks: () => vec.getTasks(),
    reset: (seed: number | undefined) => (obs = vec.reset(seed === undefined ? undefined : seed + firstIndex)),
    step,
    setPolicy: (policy: BlockPolicy) => {
      const loaded = loadActor(policy);
      if (loaded instanceof Promise) return loaded.then((a) => void (actor = a));
      actor = loaded;
    },
    actAndStep: (stepData: unknown): ActedStep => {
      if (!actor) throw new Error('VecEnv.stepWithBlockPolicy: no block policy; call setBlockPolicy first.');
      if (!obs) throw new Error('VecEnv.stepWithBlockPolicy: no observations to act on; reset the env first.');
      const actions = actor(obs, firstIndex, vec.numEnvs, stepData);
      return { actions, result: step(actions) };
    },
    bodyPoses: () => vec.bodyPoses(),
    stateHash: () => vec.stateHash(),
    close: () => vec.close(),
  };
}
