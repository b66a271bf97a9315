/**
 * Meta-iteration times of the learners as training runs them (sampling on worker threads): MAML-TRPO and RL2-PPO,
 * each split into sampling / inner / outer (agents/meta/types.ts `MetaTimings`). One warm-up iteration on a tiny
 * batch (bench/meta-timing.ts), then one untimed iteration of the measured learner (its first builds its VecEnv:
 * the worker threads start), then `iterations` timed ones; every phase as median [min, max] over them.
 */
import type { EnvOptions } from '../envs/task-def.js';
import { envSpec } from '../envs/index.js';
import { Maml } from '../agents/meta/maml.js';
import { Rl2 } from '../agents/meta/rl2.js';
import type { MetaLearner } from '../agents/meta/types.js';
import { summarizeRates, type Rate } from './measure.js';
import { median } from './measure.js';
import { timeMetaIterations, type TimingRow } from './meta-timing.js';

/** Which learner on which meta-batch. */
export interface LearnerSetup {
  learner: 'maml' | 'rl2';
  envId: string;
  /** Env options (e.g. a shorter horizon, as a preset sets it). */
  envOptions?: EnvOptions;
  /** Tasks per meta-batch. */
  numTasks: number;
  /** MAML: episodes per task (K). RL2: episodes per trial (E; one trial per task). */
  episodes: number;
  /** MAML: hidden sizes of the Gaussian MLP policy. RL2: [GRU hidden size]. */
  hidden: number[];
  /** Timed meta-iterations (>= 1). */
  iterations: number;
  /** Worker threads the learner samples on. */
  workers: number;
}

/** Median [min, max] of one quantity over the timed iterations (the `Rate` shape, here in ms or env steps). */
export type Spread = Rate;

/** What {@link timeLearner} measured. */
export interface LearnerTiming extends LearnerSetup {
  /** Phase times of one meta-iteration (ms). `total` is the whole call (>= the sum of the phases). */
  phasesMs: { sampling: Spread; inner: Spread; outer: Spread; total: Spread };
  /** Env steps of one meta-iteration (median over the timed iterations). */
  envSteps: number;
}

/** Time `setup.iterations` meta-iterations of the learner after a warm-up; `onRow` sees each as it is measured. */
export async function timeLearner(setup: LearnerSetup, onRow?: (row: TimingRow, index: number) => void): Promise<LearnerTiming> {
  const { rows: all } = await timeMetaIterations({
    create: (episodes) => createLearner(setup, episodes),
    tasks: envSpec(setup.envId).def.tasks,
    numTasks: setup.numTasks,
    episodes: setup.episodes,
    iterations: setup.iterations + 1,
    onRow: (row, i) => (i === 0 ? undefined : onRow?.(row, i - 1)),
  });
  const rows = all.slice(1);
  const spread = (key: keyof TimingRow) => summarizeRates(rows.map((r) => r[key]));
  return { ...setup, phasesMs: { sampling: spread('sampling'), inner: spread('inner'), outer: spread('outer'), total: spread('total') }, envSteps: median(rows.map((r) => r.envSteps)) };
}

/** The learner of `setup` with `episodes` episodes per task (MAML) or per trial (RL2), sampling on worker threads. */
function createLearner(setup: LearnerSetup, episodes: number): Promise<MetaLearner> {
  const common = { envId: setup.envId, envOptions: setup.envOptions, vecRun: { workers: setup.workers }, seed: 1 };
  if (setup.learner === 'maml') return Maml.create({ ...common, hidden: setup.hidden, episodesPerTask: episodes });
  return Rl2.create({ ...common, hiddenDim: setup.hidden[0], episodesPerTrial: episodes });
}
