/**
 * The calls a WorkerVecEnv makes on one block of its envs, as handlers: the same table serves a block in a worker
 * thread (vec-worker.ts) and the block the calling thread steps itself (worker-vec.ts).
 */
import type { SyncHandlers } from './sync-channel.js';
import type { Task } from './types.js';
import type { RobotVecEnv } from './vec-env.js';

/**
 * Handlers for the block `vec` hosting envs [firstIndex, firstIndex + vec.numEnvs) of the whole vector env.
 * Seeds are the whole env's: a block's env j gets seed + firstIndex + j, as env firstIndex + j would in-process.
 */
export function vecBlockHandlers(vec: RobotVecEnv<Task>, firstIndex: number): SyncHandlers {
  return {
    setTasks: (tasks: Task[]) => vec.setTasks(tasks),
    getTasks: () => vec.getTasks(),
    reset: (seed: number | undefined) => vec.reset(seed === undefined ? undefined : seed + firstIndex),
    step: (actions: Float32Array) => vec.step(actions),
    bodyPoses: () => vec.bodyPoses(),
    stateHash: () => vec.stateHash(),
    close: () => vec.close(),
  };
}
