/**
 * A rollout-chunk job: what `metarl train --redis` sends for each chunk of a meta-iteration's sampling
 * (agents/meta/rollout-chunks.ts), and how a worker runs it. The job names a registered env id and carries plain
 * data (tasks, policy weights, seeds, the noise stream's state); a worker runs only envs registered on itself.
 */
import { UnrecoverableError } from 'bullmq';
import { listEnvs, makeVecEnvBlock } from '../envs/registry.js';
import type { VecEnv } from '../envs/types.js';
import { chunkEnvs, runRolloutChunk, type ChunkEnv, type ChunkResult, type RolloutChunk } from '../agents/meta/rollout-chunks.js';
import { fromWire, toWire } from './wire.js';

/** A rollout job's data (before {@link toWire}). */
export interface RolloutJobData extends ChunkEnv {
  chunk: RolloutChunk;
}

/** The job data of `chunk` of a run on `env`, ready for the queue. */
export function rolloutJob(env: ChunkEnv, chunk: RolloutChunk): unknown {
  return toWire({ envId: env.envId, envOptions: env.envOptions, chunk } satisfies RolloutJobData);
}

/** A job's result as it comes back from the queue. */
export function rolloutResult(returned: unknown): ChunkResult {
  return fromWire<ChunkResult>(returned);
}

/**
 * Throw an UnrecoverableError (failed at once, never retried) unless the job's env is registered here: the
 * message names the env and how to start a worker that has it.
 */
export function checkRolloutEnv(data: unknown): void {
  const envId = (data as Partial<RolloutJobData> | null)?.envId;
  if (typeof envId !== 'string' || !listEnvs().includes(envId)) {
    throw new UnrecoverableError(`env '${String(envId)}' is not registered on this worker (it has ${listEnvs().join(', ')}); start the worker with --module <file that registers it>.`);
  }
}

/** Most VecEnv blocks a thread keeps (each chunk position of each run has its own: building robots is slow). */
const MAX_CACHED_BLOCKS = 64;

/** Runs rollout jobs on this thread, reusing the VecEnv block of each (env, options, size, position). */
export class RolloutJobRunner {
  private readonly blocks = new Map<string, VecEnv>();

  /** Run a job (its wire data); @returns its result in wire form. */
  async run(wire: unknown): Promise<unknown> {
    const data = fromWire<RolloutJobData>(wire);
    const vec = await this.block(data);
    return toWire(runRolloutChunk(vec, data.chunk));
  }

  private async block({ envId, envOptions, chunk }: RolloutJobData): Promise<VecEnv> {
    const key = JSON.stringify([envId, envOptions, chunkEnvs(chunk), chunk.firstEnv]);
    let vec = this.blocks.get(key);
    if (vec) {
      this.blocks.delete(key); // re-inserted below: the map's order is least recently used first
    } else {
      vec = await makeVecEnvBlock(envId, chunkEnvs(chunk), envOptions, chunk.firstEnv);
      if (this.blocks.size >= MAX_CACHED_BLOCKS) this.evictOldest();
    }
    this.blocks.set(key, vec);
    return vec;
  }

  private evictOldest(): void {
    const [key, vec] = this.blocks.entries().next().value as [string, VecEnv];
    vec.close();
    this.blocks.delete(key);
  }
}
