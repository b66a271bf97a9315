/**
 * Env-step rates of one env family under Rapier, layer by layer: the bare physics (64 robots in one world, no
 * observation or reward), a single env, an in-process VecEnv, a worker-thread VecEnv, and end-to-end sampling with
 * the learners' Gaussian MLP policy on that worker VecEnv. Every rate is env steps per second (one env step =
 * `frameSkip` physics steps of one robot), median [min, max] of `repeats` timed runs after a warm-up
 * (bench/measure.ts). Actions are uniform in [-1, 1] from a seeded Rng unless the row says policy.
 */
import { buildRobot } from '../sim/build.js';
import { engineVersion, initPhysics } from '../sim/rapier.js';
import { envSpec, makeEnv, makeVecEnv, Rng, type Task, type VecEnv } from '../envs/index.js';
import { createWorld } from '../envs/task-def.js';
import { robotOrigin } from '../envs/vec-env.js';
import { disposeParams } from '../agents/nets.js';
import { gaussianArrays, gaussianPolicyInit } from '../agents/policies.js';
import { rolloutSnapshots } from '../agents/meta/task-rollouts.js';
import { measureRate, measureRatesInterleaved, type MeasureOptions, type Rate } from './measure.js';

/** How much to time per row. */
export interface RateOptions {
  /** Env steps per timed run, rounded up to whole vector steps (or whole sampling rounds) of the row. */
  steps: number;
  /** Timed runs per row (>= 1). */
  repeats: number;
  /** Seeds the random actions, tasks and policy (default 0). */
  seed?: number;
}

/** The Rapier set-up behind the rates: what the raw-physics row is labelled with. */
export interface PhysicsConfig {
  /** e.g. `rapier3d-simd-compat 0.20.0`. */
  engine: string;
  /** Physics timestep (s). */
  dt: number;
  /** Physics steps per env step. */
  frameSkip: number;
  /** Velocity-solver iterations per physics step, as the world has them. */
  solverIterations: number;
  /** Robots sharing one Rapier world in the raw-physics row. */
  robotsPerWorld: number;
}

/** The learners' policy for the sampling row: a Gaussian MLP with these hidden sizes and tanh (MAML's default). */
export const SAMPLING_POLICY = { hidden: [64, 64], activation: 'tanh' } as const;

/** Fill `out` with uniform draws in [-1, 1). */
export function fillUniform(rng: Rng, out: Float32Array | Float64Array): void {
  for (let j = 0; j < out.length; j++) out[j] = rng.uniform(-1, 1);
}

/** Measure options whose timed and warm-up work are whole multiples of `granule` env steps. */
export function granularOptions(options: RateOptions, granule: number): MeasureOptions {
  const whole = (n: number) => Math.max(granule, Math.ceil(n / granule) * granule);
  return { units: whole(options.steps), repeats: options.repeats, warmupUnits: whole(options.steps / 2) };
}

/**
 * Raw physics: `numRobots` robots of `envId` at `robotOrigin(i)` in one world made as the env makes it, random
 * controls through `RobotHandle.applyAction`, then `world.step(frameSkip)`; no observation, reward or reset.
 */
export async function rawPhysicsRate(envId: string, numRobots: number, options: RateOptions): Promise<{ rate: Rate; config: PhysicsConfig }> {
  await initPhysics();
  const def = envSpec(envId).def;
  const world = createWorld(def);
  try {
    const robots = Array.from({ length: numRobots }, (_, i) => buildRobot(world, def.robot, { origin: robotOrigin(i), groundContact: def.physics.ground }));
    const rng = Rng.fromSeed(options.seed ?? 0);
    const control = new Float32Array(def.robot.actuators.length);
    const frameSkip = def.physics.frameSkip;
    const rate = measureRate((envSteps) => {
      for (let t = 0; t < envSteps / numRobots; t++) {
        for (const robot of robots) {
          fillUniform(rng, control);
          robot.applyAction(control);
        }
        world.step(frameSkip);
      }
    }, granularOptions(options, numRobots));
    const solverIterations = world.raw.integrationParameters.numSolverIterations;
    return { rate, config: { engine: engineVersion(), dt: world.dt, frameSkip, solverIterations, robotsPerWorld: numRobots } };
  } finally {
    world.free();
  }
}

/** One env of `envId` (`makeEnv`), stepped with random actions, reset when an episode ends. */
export async function singleEnvRate(envId: string, options: RateOptions): Promise<Rate> {
  const env = await makeEnv(envId);
  try {
    const rng = Rng.fromSeed(options.seed ?? 0);
    const action = new Float32Array(env.actionSpace.dim);
    env.reset({ seed: options.seed ?? 0 });
    return measureRate((envSteps) => {
      for (let t = 0; t < envSteps; t++) {
        fillUniform(rng, action);
        const r = env.step(action);
        if (r.terminated || r.truncated) env.reset();
      }
    }, granularOptions(options, 1));
  } finally {
    env.close();
  }
}

/**
 * A VecEnv of `numEnvs` envs of `envId` (in-process for `workers` <= 1, else a worker-thread VecEnv), stepped with
 * random actions (autoreset); one vector step counts `numEnvs` env steps.
 */
export async function vecEnvRate(envId: string, numEnvs: number, workers: number, options: RateOptions): Promise<Rate> {
  return withVecEnv(envId, numEnvs, workers, (vec) => measureRate(randomStepping(vec, options.seed ?? 0), granularOptions(options, numEnvs)));
}

/**
 * The same VecEnv (`numEnvs` envs of `envId` on `workers` threads) timed two ways in alternation
 * (`measureRatesInterleaved`), so that their ratio is the policy's and the sampler's overhead and not the machine's
 * drift between two rows: random actions as {@link vecEnvRate}, and end-to-end sampling as the MAML-family learners
 * sample (`rolloutSnapshots`: one Gaussian MLP policy θ evaluated in plain JS on a parameter copy, `sampleEpisodes`, one
 * episode per env per round, `tasksPerRound` tasks × numEnvs / tasksPerRound episodes each). Sampling counts the
 * env steps actually taken (numEnvs × the longest episode of each round).
 */
export async function steppingAndSamplingRates(envId: string, numEnvs: number, workers: number, tasksPerRound: number, options: RateOptions): Promise<{ stepping: Rate; sampling: Rate }> {
  if (numEnvs % tasksPerRound !== 0) throw new Error(`steppingAndSamplingRates: numEnvs (${numEnvs}) must be a multiple of tasksPerRound (${tasksPerRound}).`);
  const def = envSpec(envId).def;
  return withVecEnv(envId, numEnvs, workers, async (vec) => {
    const rng = Rng.fromSeed(options.seed ?? 0);
    const theta = gaussianPolicyInit(rng, vec.singleObservationSpace.dim, vec.singleActionSpace.dim, { hidden: [...SAMPLING_POLICY.hidden] });
    try {
      const snapshot = await gaussianArrays(theta);
      const round = (): number => {
        const tasks: Task[] = def.tasks.sample(rng, tasksPerRound);
        const request = { tasks, episodesPerTask: numEnvs / tasksPerRound, seed: rng.seed(), noise: rng, activation: SAMPLING_POLICY.activation };
        const paths = rolloutSnapshots(vec, request, [snapshot]);
        return numEnvs * paths.reduce((m, p) => Math.max(m, p.length), 0);
      };
      const sampling = (envSteps: number): void => {
        let done = 0;
        while (done < envSteps) done += round();
        if (done !== envSteps) throw new Error(`steppingAndSamplingRates: a round took ${done} env steps in all, expected ${envSteps} (episodes ended early).`);
      };
      const [stepping, sampled] = measureRatesInterleaved([randomStepping(vec, options.seed ?? 0), sampling], granularOptions(options, numEnvs * def.horizon));
      return { stepping, sampling: sampled };
    } finally {
      disposeParams(theta);
    }
  });
}

/** Work for the rate functions: `envSteps / numEnvs` vector steps of `vec` with uniform random actions. */
function randomStepping(vec: VecEnv<Task>, seed: number): (envSteps: number) => void {
  const rng = Rng.fromSeed(seed);
  const actions = new Float32Array(vec.numEnvs * vec.singleActionSpace.dim);
  vec.reset(seed);
  return (envSteps) => {
    for (let t = 0; t < envSteps / vec.numEnvs; t++) {
      fillUniform(rng, actions);
      vec.step(actions);
    }
  };
}

/** Run `f` on a fresh VecEnv (worker threads when `workers` > 1) and close it afterwards. */
async function withVecEnv<R>(envId: string, numEnvs: number, workers: number, f: (vec: VecEnv<Task>) => R | Promise<R>): Promise<R> {
  const vec = await makeVecEnv(envId, numEnvs, undefined, { workers });
  try {
    return await f(vec);
  } finally {
    vec.close();
  }
}
