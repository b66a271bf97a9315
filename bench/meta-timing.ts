/**
 * Timing of meta-iterations, shared by the learner benchmarks: a warm-up iteration on a tiny batch (the first
 * seconds of WASM run slower), then `iterations` timed meta-steps, reported per row and as medians.
 */
import { median } from './measure.js';
import type { MetaLearner, MetaTimings } from '../agents/meta/types.js';
import { Rng } from '../envs/index.js';
import type { Task, TaskDistribution } from '../envs/types.js';

/** One timed meta-iteration: phase times (ms) and env steps. */
export type TimingRow = MetaTimings & { envSteps: number };

/** What to time: a learner factory (episodes per task -> learner) and the meta-batch. */
export interface TimingSetup {
  create(episodesPerTask: number): Promise<MetaLearner>;
  tasks: TaskDistribution<Task>;
  numTasks: number;
  episodes: number;
  iterations: number;
  /** Called with each row as it is measured (for progress output). */
  onRow?(row: TimingRow, index: number): void;
  /** Called with the timed learner before it is disposed (e.g. to count its parameters). */
  inspect?(learner: MetaLearner): void;
}

/** Warm up, then time `iterations` meta-steps; returns every row and the per-column medians. */
export async function timeMetaIterations(setup: TimingSetup): Promise<{ rows: TimingRow[]; median: TimingRow }> {
  const warm = await setup.create(2);
  await warm.metaStep(setup.tasks.sample(Rng.fromSeed(9), 2), 9);
  warm.dispose();
  const learner = await setup.create(setup.episodes);
  const rng = Rng.fromSeed(2);
  const rows: TimingRow[] = [];
  for (let i = 0; i < setup.iterations; i++) {
    const m = await learner.metaStep(setup.tasks.sample(rng, setup.numTasks), 100 + i);
    rows.push({ ...m.timings, envSteps: m.envSteps });
    setup.onRow?.(rows[i], i);
  }
  setup.inspect?.(learner);
  learner.dispose();
  const mid = (key: keyof TimingRow) => median(rows.map((r) => r[key]));
  return { rows, median: { sampling: mid('sampling'), inner: mid('inner'), outer: mid('outer'), total: mid('total'), envSteps: mid('envSteps') } };
}

/** One line: total = sampling + inner + outer (s), and env steps. */
export function formatRow(r: TimingRow): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `total ${s(r.total)} = sampling ${s(r.sampling)} + inner ${s(r.inner)} + outer ${s(r.outer)} (${r.envSteps} env steps)`;
}
