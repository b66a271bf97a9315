/**
 * The pretrained baselines of the evaluation protocol: a multi-task PPO policy (task hidden) and an oracle
 * (task in the observation), trained on the experiment's training-task distribution with its meta-batch size
 * and seed, then cached as checkpoints in `<runDir>/baselines/<kind>/` so later evaluations reuse them.
 */
import { join } from 'node:path';
import type { MetaLearner } from '../agents/meta/types.js';
import { envSpec } from '../envs/index.js';
import { Rng } from '../envs/rng.js';
import { checkpointOf, freshTrainerState, listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { ExperimentConfig } from './config.js';
import { createBaselineLearner, envOptions } from './learners.js';
import { guardedMetaStep } from './train-step.js';

/** A baseline that needs training. */
export type PretrainedKind = 'multitask' | 'oracle';

/** Where and how long a baseline trains. */
export interface BaselineRun {
  /** The agent's run directory (the cache is `<runDir>/baselines/<kind>/`). */
  runDir: string;
  iterations: number;
  /** Threads stepping the sampling envs. */
  workers: number;
  log: (line: string) => void;
}

/**
 * The `kind` baseline for `config`'s experiment, trained for `run.iterations` iterations (or loaded from its
 * cache when a checkpoint with that many iterations is there). Dispose it after use.
 */
export async function pretrainedBaseline(kind: PretrainedKind, config: ExperimentConfig, agent: MetaLearner, run: BaselineRun): Promise<MetaLearner> {
  const { runDir, iterations, log } = run;
  const learner = await createBaselineLearner(kind, config, agent, run.workers);
  const dir = join(runDir, 'baselines', kind);
  const cached = listCheckpoints(dir).at(-1);
  if (cached) {
    const { checkpoint } = loadCheckpoint(cached);
    if (checkpoint.iteration === iterations) {
      learner.setState(checkpoint.learner);
      log(`metarl: ${kind} baseline loaded from ${cached}`);
      return learner;
    }
  }
  await trainBaseline(kind, learner, config, iterations, log);
  const card = await envSpec(config.env).card(envOptions(config, kind === 'oracle'));
  saveCheckpoint(dir, await checkpointOf(learner, iterations, config, card.hash, freshTrainerState([])), 1);
  return learner;
}

async function trainBaseline(kind: PretrainedKind, learner: MetaLearner, config: ExperimentConfig, iterations: number, log: (line: string) => void): Promise<void> {
  const tasks = envSpec(config.env).def.tasks;
  const rng = Rng.fromSeed(config.seed).fork();
  const trainer = freshTrainerState([]);
  log(`metarl: training the ${kind} baseline for ${iterations} iterations`);
  for (let i = 1; i <= iterations; i++) {
    const record = await guardedMetaStep(learner, tasks.sample(rng, config.metaBatchSize), rng.seed(), i, trainer);
    if (i % Math.max(1, Math.round(iterations / 10)) === 0 || i === iterations) {
      log(`  ${kind} iter ${i}/${iterations}  return ${record.postReturn.toFixed(2)}  ${trainer.wallSeconds.toFixed(0)} s`);
    }
  }
}
