/**
 * `metarl rollout <envId>`: run a seeded uniform random policy on one task of an env for a few episodes
 * and report per-episode returns and the final physics-state hash. Same arguments, same numbers.
 */
import { envSpec, Rng, type Env, type Task } from '../envs/index.js';
import { formatNumber, formatTable } from './text-table.js';

/** Options of `metarl rollout`. */
export interface RolloutOptions {
  /** Episodes to run (positive integer, default 3). */
  episodes?: number;
  /** Seed of the first reset and of the random policy (default 0). */
  seed?: number;
  /** Seed of the training-task draw (default 0); ignored with `testTask`. */
  taskSeed?: number;
  /** Use the env's first held-out test task instead of a sampled training task. */
  testTask?: boolean;
}

/** One finished episode. */
export interface EpisodeReport {
  return: number;
  length: number;
  terminated: boolean;
  truncated: boolean;
  /** The task's success criterion at the last step (envs that define success). */
  success?: boolean;
  /** Set when the physics diverged and the episode was cut. */
  physicsError?: string;
}

/** Everything `metarl rollout --json` prints. */
export interface RolloutReport {
  envId: string;
  seed: number;
  /** The task-draw seed, or null for the held-out test task. */
  taskSeed: number | null;
  split: 'train' | 'test';
  task: Task;
  episodes: EpisodeReport[];
  /** env.stateHash() after the last episode. */
  worldHash: string;
  envCardHash: string;
}

/** Run the random-policy rollout described by `options` on env `envId`. */
export async function rollout(envId: string, options: RolloutOptions = {}): Promise<RolloutReport> {
  const { episodes = 3, seed = 0, taskSeed = 0, testTask = false } = options;
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`episodes must be a positive integer, got ${episodes}.`);
  const spec = envSpec(envId);
  const task = testTask ? spec.def.tasks.testTasks(1)[0] : spec.def.tasks.sample(Rng.fromSeed(taskSeed), 1)[0];
  const env = await spec.make();
  try {
    env.setTask(task);
    const policy = Rng.fromSeed(seed);
    const reports: EpisodeReport[] = [];
    for (let i = 0; i < episodes; i++) reports.push(runEpisode(env, policy, i === 0 ? seed : undefined));
    const split = testTask ? 'test' : 'train';
    return { envId, seed, taskSeed: testTask ? null : taskSeed, split, task, episodes: reports, worldHash: env.stateHash(), envCardHash: env.card.hash };
  } finally {
    env.close();
  }
}

/** One episode of uniform random actions drawn from `policy`; `seed` seeds the reset when given. */
function runEpisode(env: Env, policy: Rng, seed: number | undefined): EpisodeReport {
  env.reset(seed === undefined ? {} : { seed });
  let ret = 0;
  for (;;) {
    const r = env.step(env.actionSpace.sample(policy));
    ret += r.reward;
    if (!r.terminated && !r.truncated) continue;
    const report: EpisodeReport = { return: ret, length: r.info.episodeStep, terminated: r.terminated, truncated: r.truncated };
    if (r.info.success !== undefined) report.success = r.info.success;
    if (r.info.physicsError !== undefined) report.physicsError = r.info.physicsError;
    return report;
  }
}

/** The text `metarl rollout` prints (without the trailing newline). */
export async function rolloutCommand(envId: string, options: RolloutOptions & { json?: boolean } = {}): Promise<string> {
  const report = await rollout(envId, options);
  return options.json ? JSON.stringify(report, null, 2) : rolloutText(report);
}

/** A rollout report as a short human-readable summary with a per-episode table. */
export function rolloutText(r: RolloutReport): string {
  const taskLine = r.split === 'test' ? 'held-out test task 0' : `task seed ${r.taskSeed}`;
  const header = ['episode', 'return', 'length', 'terminated', 'truncated', 'success'];
  const rows = r.episodes.map((e, i) => [
    String(i + 1),
    formatNumber(e.return),
    String(e.length),
    String(e.terminated),
    String(e.truncated),
    e.success === undefined ? '-' : String(e.success),
  ]);
  const errors = r.episodes.flatMap((e, i) => (e.physicsError ? [`episode ${i + 1}: physics error: ${e.physicsError}`] : []));
  return [
    `${r.envId}  seed ${r.seed}  ${taskLine}`,
    `task ${JSON.stringify(r.task)}`,
    '',
    formatTable([header, ...rows]),
    ...errors,
    '',
    `world hash ${r.worldHash}  env card hash ${r.envCardHash}`,
  ].join('\n');
}
