/**
 * The submitting side of distributed sampling (`metarl train --redis`): each rollout of a meta-iteration goes to
 * the rollout queue as one job per task (agents/meta/rollout-chunks.ts), any worker runs it, and the results are
 * joined in task order, so the run's numbers are those of the same run on one machine. A job that fails on a
 * worker is retried (JOB_ATTEMPTS in all); one that still fails, or a Redis server lost for longer than the give-up
 * time, fails the meta-iteration with one line (the run's checkpoints on disk stay valid for --resume).
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { ChunkEnv, ChunkResult, ChunkRunner, RolloutChunk } from '../agents/meta/rollout-chunks.js';
import { JOB_ATTEMPTS, JOB_OPTIONS, ROLLOUT_QUEUE } from './queues.js';
import { RedisLink, type RedisLinkOptions } from './redis-link.js';
import { rolloutJob, rolloutResult } from './rollout-job.js';

/** Bytes moved through Redis by the rollout jobs so far: job data sent, results received (JSON). */
export interface RolloutTraffic {
  jobs: number;
  sentBytes: number;
  receivedBytes: number;
}

/** A {@link ChunkRunner} on a Redis queue; {@link close} it at the end of the run. */
export class RedisChunkRunner implements ChunkRunner {
  /** One job per task of a meta-batch. */
  readonly maxChunks = Number.POSITIVE_INFINITY;
  readonly traffic: RolloutTraffic = { jobs: 0, sentBytes: 0, receivedBytes: 0 };

  private constructor(
    private readonly link: RedisLink,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {}

  /** Connect to the server at `url`; rejects with one line when it cannot be reached within the give-up time. */
  static async connect(url: string, options: RedisLinkOptions = {}): Promise<RedisChunkRunner> {
    const link = new RedisLink(url, options);
    try {
      await link.ping();
      const queue = new Queue(ROLLOUT_QUEUE, { connection: link.client() });
      const events = new QueueEvents(ROLLOUT_QUEUE, { connection: link.client() });
      queue.on('error', () => {}); // outages: reported once by the link
      events.on('error', () => {});
      await link.guard(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]));
      return new RedisChunkRunner(link, queue, events);
    } catch (error) {
      await link.close();
      throw error;
    }
  }

  /** The server's URL without its password. */
  get display(): string {
    return this.link.display;
  }

  async run(env: ChunkEnv, chunks: readonly RolloutChunk[]): Promise<ChunkResult[]> {
    const data = chunks.map((chunk) => rolloutJob(env, chunk));
    const jobs = await this.link.guard(this.queue.addBulk(data.map((d) => ({ name: env.envId, data: d, opts: JOB_OPTIONS }))));
    const returned = await this.link.guard(Promise.all(jobs.map((job) => this.finished(job))));
    this.traffic.jobs += jobs.length;
    this.traffic.sentBytes += jsonBytes(data);
    this.traffic.receivedBytes += jsonBytes(returned);
    return returned.map(rolloutResult);
  }

  /** Close the queue and its connections (jobs still queued stay in Redis until they expire). */
  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    await this.link.close();
  }

  /** A job's result; a job failed on every attempt rejects with one line naming it and the worker's error. */
  private async finished(job: Job): Promise<unknown> {
    try {
      return await job.waitUntilFinished(this.events);
    } catch (error) {
      throw new Error(`rollout job ${job.id} (${job.name}) failed on the workers (up to ${JOB_ATTEMPTS} attempts): ${(error as Error).message}`);
    }
  }
}

/** Total JSON size of `values` (bytes, as Redis stores them). */
function jsonBytes(values: readonly unknown[]): number {
  return values.reduce<number>((sum, v) => sum + Buffer.byteLength(JSON.stringify(v)), 0);
}
