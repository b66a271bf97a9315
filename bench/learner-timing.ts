/**
 * Meta-iteration times of the learners as training runs them (sampling on worker threads, the learner's tensor
 * work on `learnerThreads` threads): MAML-TRPO and RL2-PPO, each split into sampling / inner / outer
 * (agents/meta/types.ts `MetaTimings`). Per setup one warm-up iteration on a tiny batch, then one untimed
 * iteration of the measured learner (its first builds its VecEnv and starts its threads), then `iterations` timed
 * ones, the setups' timed iterations in alternation (iteration i of each on the same tasks and seed, so a drift
 * in the machine's speed hits them alike); every phase as median [min, max].
 */
import type { EnvOptions } from '../envs/task-def.js';
import { envSpec, Rng } from '../envs/index.js';
import { Maml } from '../agents/meta/maml.js';
import { Rl2 } from '../agents/meta/rl2.js';
import type { MetaLearner } from '../agents/meta/types.js';
import { summarizeRates, type Rate } from './measure.js';
import { median } from './measure.js';
import type { TimingRow } from './meta-timing.js';

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
  /** Threads of the learner's tensor work. */
  learnerThreads: number;
}

/** Median [min, max] of one quantity over the timed iterations (the `Rate` shape, here in ms or env steps). */
export type Spread = Rate;

/** What {@link timeLearners} measured for one setup. */
export interface LearnerTiming extends LearnerSetup {
  /** Phase times of one meta-iteration (ms). `total` is the whole call (>= the sum of the phases). */
  phasesMs: { sampling: Spread; inner: Spread; outer: Spread; total: Spread };
  /** Env steps of one meta-iteration (median over the timed iterations). */
  envSteps: number;
}

/**
 * Time the setups' meta-iterations after their warm-ups, in alternation (see the file comment); setups timed
 * together share the env and meta-batch. `onRow` sees each row as it is measured. @returns one timing per setup.
 */
export async function timeLearners(setups: readonly LearnerSetup[], onRow?: (setup: LearnerSetup, row: TimingRow, index: number) => void): Promise<LearnerTiming[]> {
  const tasks = envSpec(setups[0].envId).def.tasks;
  const learners: MetaLearner[] = [];
  try {
    for (const setup of setups) {
      const warm = await createLearner(setup, 2);
      await warm.metaStep(tasks.sample(Rng.fromSeed(9), 2), 9).finally(() => warm.dispose());
      learners.push(await createLearner(setup, setup.episodes));
    }
    const rng = Rng.fromSeed(2);
    const rows: TimingRow[][] = setups.map(() => []);
    for (let i = 0; i <= setups[0].iterations; i++) {
      const batch = tasks.sample(rng, setups[0].numTasks);
      for (const [k, learner] of learners.entries()) {
        const m = await learner.metaStep(batch, 100 + i);
        if (i === 0) continue; // the first iteration builds the VecEnv and starts the threads
        rows[k].push({ ...m.timings, envSteps: m.envSteps });
        onRow?.(setups[k], rows[k][i - 1], i - 1);
      }
    }
    return setups.map((setup, k) => summarize(setup, rows[k]));
  } finally {
    learners.forEach((l) => l.dispose());
  }
}

/** A setup's timing from its timed rows. */
function summarize(setup: LearnerSetup, rows: readonly TimingRow[]): LearnerTiming {
  const spread = (key: keyof TimingRow) => summarizeRates(rows.map((r) => r[key]));
  return { ...setup, phasesMs: { sampling: spread('sampling'), inner: spread('inner'), outer: spread('outer'), total: spread('total') }, envSteps: median(rows.map((r) => r.envSteps)) };
}

/** The learner of `setup` with `episodes` episodes per task (MAML) or per trial (RL2), sampling on worker threads. */
function createLearner(setup: LearnerSetup, episodes: number): Promise<MetaLearner> {
  const common = { envId: setup.envId, envOptions: setup.envOptions, vecRun: { workers: setup.workers }, learnerThreads: setup.learnerThreads, seed: 1 };
  if (setup.learner === 'maml') return Maml.create({ ...common, hidden: setup.hidden, episodesPerTask: episodes });
  return Rl2.create({ ...common, hiddenDim: setup.hidden[0], episodesPerTrial: episodes });
}
