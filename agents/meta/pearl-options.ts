/**
 * PEARL's hyper-parameters: the names of the paper's code in camelCase, and their defaults with the place they come
 * from in katerakelly/oyster (configs/default.py unless noted; rl_algorithm.py / sac.py defaults for those the
 * configs leave out). Ranges are validated by the zod shape in pearl-schema.ts and again here for direct callers.
 */
import { defaultLearnerThreads } from '../learner-pool.js';
import type { LearnerContext } from './learner-registry.js';

/** What {@link resolvePearlOptions} fills in. */
export interface PearlHyperParameters {
  /** Training tasks, drawn once from the env's distribution with the run's seed (cheetah-vel.json n_train_tasks 100). */
  numTrainTasks: number;
  /** Dimension of z (default.py:7 latent_size 5). */
  latentSize: number;
  /** Units per hidden layer of the policy, Q and V networks (default.py:8 net_size 300). */
  netSize: number;
  /** Hidden layers of the policy, Q and V networks (launch_experiment.py:46-61: 3). */
  netDepth: number;
  /** Hidden layers of the context encoder (launch_experiment.py:41: [200, 200, 200]). */
  encoderHidden: number[];
  /** Tasks per gradient step, drawn with replacement (default.py:15 meta_batch 16). */
  metaBatch: number;
  /** Transitions per training task with z ~ prior before the first iteration (default.py:17 num_initial_steps 2000). */
  numInitialSteps: number;
  /** Training tasks that collect data per iteration (default.py:18 num_tasks_sample 5). */
  numTasksSample: number;
  /** Transitions per sampled task with z ~ prior, to both buffers (default.py:19 num_steps_prior 400). */
  numStepsPrior: number;
  /** Transitions per sampled task with z ~ posterior, to both buffers (default.py:20 num_steps_posterior 0). */
  numStepsPosterior: number;
  /** Transitions per sampled task with z ~ posterior, RL buffer only (default.py:21 num_extra_rl_steps_posterior 400). */
  numExtraRlStepsPosterior: number;
  /** Gradient steps per iteration (default.py:22 num_train_steps_per_itr 2000). */
  numTrainStepsPerItr: number;
  /** RL transitions per task per gradient step (default.py:25 batch_size 256). */
  batchSize: number;
  /** Context transitions per task per gradient step, from the encoder buffer (default.py:26 embedding_batch_size 64). */
  embeddingBatchSize: number;
  /** Trajectories between posterior updates while collecting (default.py:40 update_post_train 1). */
  updatePostTrain: number;
  /** γ (default.py:29 discount 0.99). */
  discount: number;
  /** Target V network's soft-update rate τ (default.py:30 soft_target_tau 0.005). */
  softTargetTau: number;
  /** Adam learning rates (default.py:31-34: 3e-4 each). */
  policyLr: number;
  qfLr: number;
  vfLr: number;
  contextLr: number;
  /** Reward multiplier in the Bellman backup = inverse entropy temperature (default.py:35 reward_scale 5). */
  rewardScale: number;
  /** β, weight of KL(q(z|c) ‖ N(0, I)) (default.py:37 kl_lambda 0.1). */
  klLambda: number;
  /** Probabilistic z with the KL term (default.py:38 use_information_bottleneck true). */
  useInformationBottleneck: boolean;
  /** Context rows (s, a, r, s') instead of (s, a, r) (default.py:39 use_next_obs_in_context false). */
  useNextObsInContext: boolean;
  /** Learn the temperature α (SAC v2) instead of fixing α = 1 and scaling rewards (ours; PEARL fixes it). */
  learnEntropy: boolean;
  /** Target entropy of the learned α (default −actDim, SAC v2's choice). */
  targetEntropy?: number;
  /** Adam learning rate of log α (default: policyLr). */
  alphaLr?: number;
  /** Policy regularisers (sac.py:27-29: 1e-3, 1e-3, 0). */
  policyMeanRegWeight: number;
  policyStdRegWeight: number;
  policyPreActivationWeight: number;
  /** Rows kept per task buffer (rl_algorithm.py:37 replay_buffer_size 1e6). */
  replayBufferSize: number;
  /** Evaluation actions tanh(mean) with z still sampled (rl_algorithm.py:41 eval_deterministic true). */
  evalDeterministic: boolean;
  /** E: episodes of an adaptation curve, prior then posterior after 1..E−1 (default.py:24: 600 steps = 3 x 200). */
  evalEpisodes: number;
  /** Trials per curve point when the caller does not say (the evaluator passes its own). */
  evalTrials: number;
  /**
   * Groups of consecutive tasks a gradient step's meta-batch is cut into, each one unit of work for the learner
   * threads (pearl-shard.ts; ours). The numbers depend on it, never on the thread count: 1 (default) is the whole
   * batch in one piece, as the paper's code; set it to the number of cores to use them for the gradient steps
   * (capped at `metaBatch`).
   */
  gradientShards: number;
}

/** Options of {@link Pearl.create}: the learner context plus any hyper-parameters (the rest take the defaults). */
export type PearlOptions = LearnerContext & Partial<PearlHyperParameters>;

/** The resolved configuration of a PEARL learner (`learnerThreads` filled in: default as many as `vecRun.workers`). */
export type PearlConfig = LearnerContext & PearlHyperParameters & { learnerThreads: number };

/** Defaults (see {@link PearlHyperParameters} for their sources). */
export const PEARL_DEFAULTS: PearlHyperParameters = {
  numTrainTasks: 100,
  latentSize: 5,
  netSize: 300,
  netDepth: 3,
  encoderHidden: [200, 200, 200],
  metaBatch: 16,
  numInitialSteps: 2000,
  numTasksSample: 5,
  numStepsPrior: 400,
  numStepsPosterior: 0,
  numExtraRlStepsPosterior: 400,
  numTrainStepsPerItr: 2000,
  batchSize: 256,
  embeddingBatchSize: 64,
  updatePostTrain: 1,
  discount: 0.99,
  softTargetTau: 0.005,
  policyLr: 3e-4,
  qfLr: 3e-4,
  vfLr: 3e-4,
  contextLr: 3e-4,
  rewardScale: 5,
  klLambda: 0.1,
  useInformationBottleneck: true,
  useNextObsInContext: false,
  learnEntropy: false,
  policyMeanRegWeight: 1e-3,
  policyStdRegWeight: 1e-3,
  policyPreActivationWeight: 0,
  replayBufferSize: 1_000_000,
  evalDeterministic: true,
  evalEpisodes: 3,
  evalTrials: 4,
  gradientShards: 1,
};

const POSITIVE_INTEGERS = [
  'numTrainTasks', 'latentSize', 'netSize', 'netDepth', 'metaBatch', 'numInitialSteps', 'numTasksSample', 'numTrainStepsPerItr',
  'batchSize', 'embeddingBatchSize', 'updatePostTrain', 'replayBufferSize', 'evalEpisodes', 'evalTrials', 'gradientShards',
] as const;

/** Defaults filled in and every value checked; throws an Error naming the option and the fix. */
export function resolvePearlOptions(options: PearlOptions): PearlConfig {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const c = { ...PEARL_DEFAULTS, learnerThreads: defaultLearnerThreads(options.vecRun?.workers), ...defined } as PearlConfig;
  for (const key of POSITIVE_INTEGERS) {
    if (!Number.isInteger(c[key]) || c[key] < 1) throw new Error(`pearl: ${key} must be an integer >= 1, got ${c[key]}.`);
  }
  for (const key of ['numStepsPrior', 'numStepsPosterior', 'numExtraRlStepsPosterior'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 0) throw new Error(`pearl: ${key} must be an integer >= 0, got ${c[key]}.`);
  }
  if (c.numStepsPrior + c.numStepsPosterior === 0) {
    throw new Error('pearl: numStepsPrior and numStepsPosterior are both 0: the encoder buffers of the tasks sampled each iteration are cleared and refilled only by these phases; set one of them >= 1.');
  }
  if (!Number.isInteger(c.learnerThreads) || c.learnerThreads < 1) throw new Error(`pearl: learnerThreads must be an integer >= 1, got ${c.learnerThreads}.`);
  if (c.numTasksSample > c.numTrainTasks) throw new Error(`pearl: numTasksSample (${c.numTasksSample}) must not exceed numTrainTasks (${c.numTrainTasks}).`);
  if (!c.encoderHidden.every((h) => Number.isInteger(h) && h >= 1)) throw new Error(`pearl: encoderHidden must be positive integers, got [${c.encoderHidden}].`);
  if (!(c.discount >= 0 && c.discount <= 1)) throw new Error(`pearl: discount must be in [0, 1], got ${c.discount}.`);
  if (!(c.softTargetTau > 0 && c.softTargetTau <= 1)) throw new Error(`pearl: softTargetTau must be in (0, 1], got ${c.softTargetTau}.`);
  for (const key of ['policyLr', 'qfLr', 'vfLr', 'contextLr', 'rewardScale'] as const) {
    if (!(c[key] > 0 && Number.isFinite(c[key]))) throw new Error(`pearl: ${key} must be a positive number, got ${c[key]}.`);
  }
  for (const key of ['klLambda', 'policyMeanRegWeight', 'policyStdRegWeight', 'policyPreActivationWeight'] as const) {
    if (!(c[key] >= 0 && Number.isFinite(c[key]))) throw new Error(`pearl: ${key} must be a number >= 0, got ${c[key]}.`);
  }
  return c;
}
