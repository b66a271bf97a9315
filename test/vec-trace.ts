/** A full record of a VecEnv run (every output of every step), for comparing two VecEnvs bit for bit. */
import { envSpec, type Env, type Task, type VecEnv } from '../envs/index.js';
import { RobotVecEnv } from '../envs/vec-env.js';
import { initPhysics } from '../sim/rapier.js';

/** Everything a VecEnv returned over a run, as plain arrays (deepEqual compares them exactly, -0 and NaN included). */
export interface VecTrace {
  first: number[];
  steps: Array<{ obs: number[]; rewards: number[]; terminated: number[]; truncated: number[]; infos: unknown[]; poses: number[] }>;
}

/** Set `tasks`, reset with `seed`, step through `actions` ([numEnvs*actDim] each) and record every output. */
export function vecTrace(vec: VecEnv, tasks: Task[], seed: number, actions: Float32Array[]): VecTrace {
  vec.setTasks(tasks);
  const first = [...vec.reset(seed)];
  const steps = actions.map((a) => {
    const r = vec.step(a);
    const infos = r.infos.map((info) => ({ ...info, finalObs: info.finalObs && [...info.finalObs] }));
    return { obs: [...r.obs], rewards: [...r.rewards], terminated: [...r.terminated], truncated: [...r.truncated], infos, poses: [...vec.bodyPoses()] };
  });
  return { first, steps };
}

/** The part of a trace that concerns envs [0, count): what a smaller VecEnv with those envs returns. */
export function traceSlice(trace: VecTrace, count: number, obsDim: number, posesPerEnv: number): VecTrace {
  return {
    first: trace.first.slice(0, count * obsDim),
    steps: trace.steps.map((s) => ({
      obs: s.obs.slice(0, count * obsDim),
      rewards: s.rewards.slice(0, count),
      terminated: s.terminated.slice(0, count),
      truncated: s.truncated.slice(0, count),
      infos: s.infos.slice(0, count),
      poses: s.poses.slice(0, count * posesPerEnv),
    })),
  };
}

/**
 * A single env that stands where env `index` of a vector env stands: a one-robot RobotVecEnv at that row,
 * seen through the Env interface (its autoreset obs is handed out by the next reset() without a seed).
 * Sampler tests compare env i of a VecEnv with it, bit for bit.
 */
export async function envAtRow(id: string, index: number): Promise<Env> {
  await initPhysics();
  const def = envSpec(id).def;
  const vec = new RobotVecEnv(def, 1, {}, index);
  let nextObs: Float32Array | undefined;
  return {
    id,
    observationSpace: vec.singleObservationSpace,
    actionSpace: vec.singleActionSpace,
    card: vec.card,
    robot: vec.robot,
    reset(options = {}) {
      const obs = options.seed === undefined && nextObs ? nextObs : vec.reset(options.seed);
      nextObs = undefined;
      return { obs, info: { task: vec.getTasks()[0] } };
    },
    step(action) {
      const r = vec.step(action);
      const { finalObs, ...info } = r.infos[0];
      const done = r.terminated[0] === 1 || r.truncated[0] === 1;
      if (done) nextObs = r.obs;
      return { obs: done ? (finalObs as Float32Array) : r.obs, reward: r.rewards[0], terminated: r.terminated[0] === 1, truncated: r.truncated[0] === 1, info };
    },
    setTask: (task) => vec.setTasks([task]),
    getTask: () => vec.getTasks()[0],
    bodyPoses: () => vec.bodyPoses(),
    stateHash: () => vec.stateHash(),
    close: () => vec.close(),
  };
}
