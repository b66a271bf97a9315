/**
 * RL2 acting: a batched policy closure for {@link sampleEpisodes} that runs the recurrent (GRU) Gaussian policy
 * over one trial per env, keeping the hidden state [numEnvs, H] on the JS side.
 *
 * The hidden state is carried across the episodes of a trial (episode boundaries only set the done flag of the
 * input) and is zeroed only by {@link Rl2TrialPolicy.startTrial} (called once before each trial). Inputs are
 * built from the sampler's {@link StepContext} exactly as {@link trialInputs} (rl2-batch.ts) rebuilds them from
 * the recorded paths for training: `[obs, prevAction, prevReward, done]`, with `done = episodeStart`.
 */
import { recurrentAct, recurrentHiddenDim, rl2Input, type ActionNoise } from '../policies.js';
import type { Params } from '../nets.js';
import type { BatchPolicy, StepContext } from '../sampler.js';

/** A map of raw RL2 input rows [n * in] to what the network sees (e.g. running normalisation), same shape. */
export type InputTransform = (x: Float32Array) => Float32Array;

/** A stateful batched RL2 policy: call {@link startTrial} before each trial, pass {@link act} to the sampler. */
export class Rl2TrialPolicy {
  /** Hidden state of every env, [numEnvs * H] (row b belongs to env b). */
  private h: Float32Array;
  private readonly hiddenDim: number;

  /**
   * @param params recurrent policy params (`recurrentPolicyInit` layout); read, never disposed or modified.
   * @param numEnvs envs of the VecEnv (one trial each).
   * @param noise seeded stream for the action noise, or 'mean' for deterministic actions.
   * @param transform applied to the raw input rows before the network (default: identity); training must apply
   * the same one to the rebuilt inputs.
   */
  constructor(
    private readonly params: Params,
    readonly numEnvs: number,
    private readonly noise: ActionNoise,
    private readonly transform: InputTransform = (x) => x,
  ) {
    this.hiddenDim = recurrentHiddenDim(params);
    this.h = new Float32Array(numEnvs * this.hiddenDim);
  }

  /** Zero every env's hidden state: the next step starts a new trial. */
  startTrial(): void {
    this.h = new Float32Array(this.numEnvs * this.hiddenDim);
  }

  /** A copy of the current hidden state, [numEnvs * H]. */
  hidden(): Float32Array {
    return this.h.slice();
  }

  /**
   * One batched step: observations [numEnvs * obsDim] and the sampler's context -> actions [numEnvs * actDim].
   * Updates the hidden state; never resets it (episode starts only raise the done input).
   */
  readonly act: BatchPolicy = (obs: Float32Array, context: StepContext): Float32Array => {
    const x = rl2Input(obs, context.prevAction, context.prevReward, context.episodeStart, this.numEnvs);
    const out = recurrentAct(this.params, this.transform(x), this.h, this.numEnvs, this.noise);
    this.h = out.h;
    return out.actions;
  };
}
