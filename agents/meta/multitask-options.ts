/**
 * Options of the pretrained multi-task baseline and their defaults. Sampling and advantages as MAML's (20
 * episodes per task, γ = 0.99, GAE λ = 1, a linear feature baseline fit per task, advantages normalised per
 * task, [64, 64] tanh Gaussian policy); PPO-clip with ε = 0.2, 10 epochs of 4 shuffled minibatches per
 * iteration, Adam at 3e-4. `innerLr` is the VPG step size of its fine-tuning in `adaptationCurve`: give it
 * the α of the meta-learner it is compared with (MAML's default, 0.1).
 */
import { openUnitInterval, positive, positiveInteger } from './option-checks.js';
import { resolvePolicyOptions, type PolicyLearnerOptions, type ResolvedOptions } from './policy-options.js';

/** What {@link MultiTask.create} accepts; everything but `envId` has a default. */
export interface MultiTaskOptions extends Omit<PolicyLearnerOptions, 'innerSteps'> {
  /** Adam learning rate of the PPO updates (default 3e-4). */
  learningRate?: number;
  /** Passes over each iteration's samples (default 10). */
  epochs?: number;
  /** Shuffled minibatches per pass (default 4). */
  minibatches?: number;
  /** PPO clip range ε (default 0.2). */
  clipEpsilon?: number;
}

/** {@link MultiTaskOptions} with every default filled in. */
export type MultiTaskConfig = ResolvedOptions<MultiTaskOptions>;

/** Fill in defaults and check ranges; throws an Error naming the option and its valid range. */
export function resolveMultiTaskOptions(o: MultiTaskOptions): MultiTaskConfig {
  const { innerSteps: _k, ...shared } = resolvePolicyOptions(o, 'MultiTask');
  const c: MultiTaskConfig = {
    ...shared,
    learningRate: o.learningRate ?? 3e-4,
    epochs: o.epochs ?? 10,
    minibatches: o.minibatches ?? 4,
    clipEpsilon: o.clipEpsilon ?? 0.2,
  };
  positiveInteger('MultiTask', 'epochs', c.epochs);
  positiveInteger('MultiTask', 'minibatches', c.minibatches);
  positive('MultiTask', 'learningRate', c.learningRate);
  openUnitInterval('MultiTask', 'clipEpsilon', c.clipEpsilon);
  return c;
}
