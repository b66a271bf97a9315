/**
 * The zod shape of PEARL's hyper-parameters (ranges only; defaults and their sources in pearl-options.ts),
 * registered with the learner in builtin-learners.ts; the experiment config validates `algorithm` against it.
 */
import { z } from 'zod';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const positive = () => z.number().positive().finite();
const nonNegative = () => z.number().min(0).finite();

/** PEARL (pearl-options.ts `PearlHyperParameters`). */
export const pearlShape = {
  /** Threads of the gradient steps (numbers do not depend on it; default: the sampling threads). */
  learnerThreads: int(1, 1024).optional(),
  numTrainTasks: int(1, 100_000).optional(),
  latentSize: int(1, 256).optional(),
  netSize: int(1, 4096).optional(),
  netDepth: int(1, 8).optional(),
  encoderHidden: z.array(int(1, 4096)).min(1).max(8).optional(),
  metaBatch: int(1, 10_000).optional(),
  numInitialSteps: int(1).optional(),
  numTasksSample: int(1, 100_000).optional(),
  numStepsPrior: int(0).optional(),
  numStepsPosterior: int(0).optional(),
  numExtraRlStepsPosterior: int(0).optional(),
  numTrainStepsPerItr: int(1).optional(),
  batchSize: int(1, 1_000_000).optional(),
  embeddingBatchSize: int(1, 1_000_000).optional(),
  updatePostTrain: int(1, 1000).optional(),
  discount: z.number().min(0).max(1).optional(),
  softTargetTau: z.number().gt(0).max(1).optional(),
  policyLr: positive().optional(),
  qfLr: positive().optional(),
  vfLr: positive().optional(),
  contextLr: positive().optional(),
  rewardScale: positive().optional(),
  klLambda: nonNegative().optional(),
  useInformationBottleneck: z.boolean().optional(),
  useNextObsInContext: z.boolean().optional(),
  learnEntropy: z.boolean().optional(),
  targetEntropy: z.number().finite().optional(),
  alphaLr: positive().optional(),
  policyMeanRegWeight: nonNegative().optional(),
  policyStdRegWeight: nonNegative().optional(),
  policyPreActivationWeight: nonNegative().optional(),
  replayBufferSize: int(1, 100_000_000).optional(),
  evalDeterministic: z.boolean().optional(),
  evalEpisodes: int(1, 100).optional(),
  evalTrials: int(1, 1000).optional(),
  gradientShards: int(1, 10_000).optional(),
};
