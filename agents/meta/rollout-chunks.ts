/**
 * A meta-batch rollout (task-rollouts.ts) cut into chunks of whole tasks that run anywhere: on other machines
 * (distributed/), in any order, any number of times. A chunk carries everything its envs' numbers depend on: its
 * tasks and policies, its first env's index in the whole rollout (robot placement and reset seeds: env e gets
 * seed + e and stands where env e stands, see envs/vec-env.ts) and the noise stream's state at the start. Every
 * step of the whole rollout draws the noise of ALL its envs in env order; a chunk draws the same and keeps its
 * envs' share, so its actions are those of the whole rollout. Joined in chunk order, the paths are bit-identical
 * to {@link rolloutSnapshots} on one VecEnv, and {@link joinRolloutChunks} leaves the noise stream where the
 * whole rollout would have left it (it runs as many steps as its longest chunk).
 */
import { Rng } from '../../envs/rng.js';
import type { EnvOptions } from '../../envs/task-def.js';
import type { Task, VecEnv } from '../../envs/types.js';
import { gaussianBlockPolicy, type GaussianArrays } from '../gaussian-block-policy.js';
import type { Activation } from '../nets.js';
import { drawNormals } from '../policies.js';
import { sampleEpisodes, type Path, type PortablePolicy } from '../sampler.js';

/** Consecutive whole tasks of a meta-batch rollout, runnable on their own. */
export interface RolloutChunk {
  /** The chunk's tasks (M_c). */
  tasks: Task[];
  /** One policy for all of the chunk's tasks, or one per task (M_c). */
  snapshots: GaussianArrays[];
  /** K episodes (envs) per task. */
  episodesPerTask: number;
  /** Index of the chunk's first env in the whole rollout. */
  firstEnv: number;
  /** Envs of the whole rollout (M·K): every step draws noise for all of them. */
  totalEnvs: number;
  /** The whole rollout's first reset seed (env e gets seed + e). */
  seed: number;
  /** The action-noise stream's state when the whole rollout starts (`Rng.state()`). */
  noiseState: number[];
  activation: Activation;
}

/** What a chunk returns: its paths (env indices of the whole rollout) and the steps its loop took. */
export interface ChunkResult {
  paths: Path[];
  /** VecEnv steps until the chunk's last env finished (each drew totalEnvs × actDim normals). */
  steps: number;
}

/** The whole rollout to cut: M tasks, one policy or one per task, K episodes per task. */
export interface ChunkableRollout {
  tasks: readonly Task[];
  snapshots: readonly GaussianArrays[];
  episodesPerTask: number;
  seed: number;
  activation: Activation;
}

/**
 * Cut `rollout` into at most `maxChunks` chunks of consecutive whole tasks (sizes differ by at most one), each
 * starting from the noise stream's current state (`noise` is not advanced: see {@link joinRolloutChunks}).
 */
export function splitRollout(rollout: ChunkableRollout, noise: Rng, maxChunks: number): RolloutChunk[] {
  const { tasks, snapshots, episodesPerTask: k } = rollout;
  if (snapshots.length !== 1 && snapshots.length !== tasks.length) {
    throw new Error(`splitRollout: pass one policy or one per task (${tasks.length}), got ${snapshots.length}.`);
  }
  const count = Math.max(1, Math.min(maxChunks, tasks.length));
  const noiseState = noise.state();
  const chunks: RolloutChunk[] = [];
  for (let c = 0, first = 0; c < count; c++) {
    const size = Math.floor(tasks.length / count) + (c < tasks.length % count ? 1 : 0);
    chunks.push({
      tasks: tasks.slice(first, first + size),
      snapshots: snapshots.length === 1 ? [snapshots[0]] : snapshots.slice(first, first + size),
      episodesPerTask: k,
      firstEnv: first * k,
      totalEnvs: tasks.length * k,
      seed: rollout.seed,
      noiseState,
      activation: rollout.activation,
    });
    first += size;
  }
  return chunks;
}

/** Envs of a chunk (M_c · K). */
export function chunkEnvs(chunk: RolloutChunk): number {
  return chunk.tasks.length * chunk.episodesPerTask;
}

/**
 * Run `chunk` on `vec`: a VecEnv of {@link chunkEnvs} envs whose robots stand where envs firstEnv.. of the whole
 * rollout stand (a RobotVecEnv made with `firstIndex = chunk.firstEnv`).
 */
export function runRolloutChunk(vec: VecEnv, chunk: RolloutChunk): ChunkResult {
  const k = chunk.episodesPerTask;
  if (vec.numEnvs !== chunkEnvs(chunk)) throw new Error(`runRolloutChunk: the VecEnv has ${vec.numEnvs} envs; the chunk needs ${chunkEnvs(chunk)}.`);
  vec.setTasks(chunk.tasks.flatMap((t) => Array.from({ length: k }, () => t)));
  const actDim = vec.singleActionSpace.dim;
  const noise = Rng.fromState(chunk.noiseState);
  let steps = 0;
  const policy: PortablePolicy = {
    blockPolicy: gaussianBlockPolicy({ groups: chunk.snapshots, envsPerGroup: chunk.snapshots.length === 1 ? vec.numEnvs : k, activation: chunk.activation }),
    stepData() {
      steps += 1;
      const eps = drawNormals(noise, chunk.totalEnvs * actDim);
      const offset = chunk.firstEnv * actDim;
      return (first, count) => eps.slice(offset + first * actDim, offset + (first + count) * actDim);
    },
  };
  const paths = sampleEpisodes(vec, policy, { seed: chunk.seed + chunk.firstEnv, episodesPerEnv: 1 });
  return { paths: paths.map((p) => ({ ...p, envIndex: p.envIndex + chunk.firstEnv })), steps };
}

/**
 * The whole rollout's paths from its chunks' results (in chunk order), ordered by env; advances `noise` by the
 * draws of the whole rollout: max(steps) × totalEnvs × actDim normals.
 */
export function joinRolloutChunks(results: readonly ChunkResult[], noise: Rng, totalEnvs: number, actDim: number): Path[] {
  const steps = Math.max(...results.map((r) => r.steps));
  for (let s = 0; s < steps; s++) drawNormals(noise, totalEnvs * actDim);
  return results.flatMap((r) => r.paths);
}

/** The env every chunk of a run steps: a registered env id and its options. */
export interface ChunkEnv {
  envId: string;
  envOptions: EnvOptions;
}

/**
 * Runs a rollout's chunks elsewhere (distributed/: on worker processes over Redis) and returns their results in
 * chunk order. Never changes the numbers.
 */
export interface ChunkRunner {
  /** How many chunks to cut a rollout into. */
  readonly maxChunks: number;
  run(env: ChunkEnv, chunks: readonly RolloutChunk[]): Promise<ChunkResult[]>;
}
