/**
 * RL2 acting: a batched policy closure for `sampleEpisodesAsync` that runs the recurrent Gaussian policy (on any
 * {@link RecurrentCore}) over one trial per env, keeping the core state [numEnvs, S] on the JS side.
 *
 * The core state is carried across the episodes of a trial (episode boundaries only set the done flag of the
 * input) and is zeroed only by {@link Rl2TrialPolicy.startTrial} (called once before each trial). Inputs are
 * built from the sampler's {@link StepContext} exactly as {@link trialInputs} (rl2-batch.ts) rebuilds them from
 * the recorded paths for training: `[obs, prevAction, prevReward, done]`, with `done = episodeStart`.
 */
import { recurrentAct, recurrentCoreParams, rl2Input, type ActionNoise } from '../policies.js';
import type { Params } from '../nets.js';
import type { RecurrentCore } from '../recurrent-core.js';
import type { AsyncBatchPolicy, StepContext } from '../sampler.js';

/** A map of raw RL2 input rows [n * in] to what the network sees (e.g. running normalisation), same shape. */
export type InputTransform = (x: Float32Array) => Float32Array;

/** A stateful batched RL2 policy: call {@link startTrial} before each trial, pass {@link act} to `sampleEpisodesAsync`. */
export class Rl2TrialPolicy {
  /** Core state of every env, [numEnvs * S] (row b belongs to env b). */
  private state: Float32Array;
  private readonly stateSize: number;

  /**
   * @param core the recurrent core `params` are laid out for.
   * @param params recurrent policy params (`recurrentPolicyInit` layout); read, never disposed or modified.
   * @param numEnvs envs of the VecEnv (one trial each).
   * @param noise seeded stream for the action noise, or 'mean' for deterministic actions.
   * @param transform applied to the raw input rows before the network (default: identity); training must apply
   * the same one to the rebuilt inputs.
   */
  constructor(
    private readonly core: RecurrentCore,
    private readonly params: Params,
    readonly numEnvs: number,
    private readonly noise: ActionNoise,
    private readonly transform: InputTransform = (x) => x,
  ) {
    this.stateSize = core.stateSize(recurrentCoreParams(params));
    this.state = new Float32Array(numEnvs * this.stateSize);
  }

  /** Zero every env's core state: the next step starts a new trial. */
  startTrial(): void {
    this.state = new Float32Array(this.numEnvs * this.stateSize);
  }

  /** A copy of the current core (hidden) state, [numEnvs * S]. */
  hidden(): Float32Array {
    return this.state.slice();
  }

  /**
   * One batched step: observations [numEnvs * obsDim] and the sampler's context -> actions [numEnvs * actDim]
   * (an asynchronous read: sample with `sampleEpisodesAsync`). Updates the core state; never resets it (episode
   * starts only raise the done input).
   */
  readonly act: AsyncBatchPolicy = async (obs: Float32Array, context: StepContext): Promise<Float32Array> => {
    const out = await recurrentAct(this.core, this.params, this.input(obs, context), this.state, this.numEnvs, this.noise);
    this.state = out.state;
    return out.actions;
  };

  /** The network's input rows of a step, [numEnvs * in]. */
  private input(obs: Float32Array, context: StepContext): Float32Array {
    return this.transform(rl2Input(obs, context.prevAction, context.prevReward, context.episodeStart, this.numEnvs));
  }
}
