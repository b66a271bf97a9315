/**
 * One thread's share of RL2's PPO tensor work, served through a LearnerPool (agents/learner-pool.ts): it holds the
 * iteration's packed trial batch (plain arrays, sent once per iteration) and, on request, evaluates or
 * differentiates the networks on a group of its trials (a unit of work: groups are fixed by the data, see
 * rl2-pool.ts, never by the thread count). Only the parameters and the trial indices travel per request.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SyncHandlers } from '../../envs/sync-channel.js';
import { mapUnits } from '../learner-pool.js';
import { disposeParams, tidyFlat, unflattenParams, type Params } from '../nets.js';
import { recurrentCore } from '../recurrent-cores.js';
import { selectTrials, TIME_INPUTS, type TrialBatch } from './rl2-batch.js';
import { rl2Evaluate, rl2Loss, type Rl2Evaluation, type Rl2LossOptions, type Rl2MinibatchTensors } from './rl2-loss.js';

/** What every thread needs once: the core's registered name and settings, and the parameter shapes. */
export interface Rl2ShardSpec {
  core: { name: string; options: Readonly<Record<string, number>> };
  /** Shapes of the policy `[...core, wOut, bOut, logStd]`. */
  policyShapes: number[][];
  /** Shapes of the value head `[wV, bV]`. */
  valueShapes: number[][];
}

/** Per-step PPO data of the batch, time-major [T*B] (0 on padding). */
export interface Rl2Targets {
  logpOld: Float32Array;
  /** Normalised advantages. */
  adv: Float32Array;
  /** Value targets (λ-returns). */
  targets: Float32Array;
}

/** Entries before the gradient in a {@link Rl2Shard.gradient} answer: policyLoss, valueLoss, entropy, clipFraction, real steps. */
export const RL2_GRADIENT_HEADER = 5;

/** The per-thread state; {@link rl2ShardHandlers} serves it. */
export class Rl2Shard {
  private spec: Rl2ShardSpec | undefined;
  private batch: TrialBatch | undefined;
  private targets: Rl2Targets | undefined;

  configure(spec: Rl2ShardSpec): void {
    this.spec = spec;
  }

  /** The iteration's batch (inputs as the networks see them); its targets are set later. */
  setBatch(batch: TrialBatch): void {
    this.batch = batch;
    this.targets = undefined;
  }

  setTargets(targets: Rl2Targets): void {
    this.targets = targets;
  }

  /** Policy and value outputs of the trials `cols`, time-major over them ([T*cols.length], means [T*cols.length*A]). */
  evaluate(theta: Float32Array, cols: readonly number[]): Promise<Rl2Evaluation> {
    const { batch } = this.ready();
    const pick = (src: Float32Array, width: number) => selectTrials(src, batch.T, batch.B, width, cols);
    return this.withParams(theta, (policy, value, core) =>
      rl2Evaluate(core, policy, value, pick(batch.xs, batch.inputDim), pick(batch.actions, batch.actDim), pick(batch.times, TIME_INPUTS), batch.T, cols.length),
    );
  }

  /**
   * The PPO loss of the trials `cols` (rl2-loss.ts: means over their real steps) and its gradient.
   * @returns `[policyLoss, valueLoss, entropy, clipFraction, realSteps, ...∇(policy ++ value)]`.
   */
  gradient(theta: Float32Array, cols: readonly number[], opts: Rl2LossOptions): Promise<Float32Array> {
    const { batch, targets } = this.ready();
    if (!targets) throw new Error("Rl2Shard: no targets; call 'setTargets' first.");
    const real = cols.reduce((n, b) => n + batch.lengths[b], 0);
    return this.withParams(theta, (policy, value, core) =>
      tidyFlat(() => {
        const mb = minibatchTensors(batch, targets, cols);
        let parts: tf.Scalar[] = [];
        const all = [...policy, ...value];
        const { grads } = tf.engine().gradients(() => {
          const out = rl2Loss(core, policy, value, mb, opts);
          parts = [out.policyLoss, out.valueLoss, out.entropy, out.clipFrac].map((s) => tf.keep(s));
          return out.loss;
        }, all, undefined, true);
        return [...parts, tf.scalar(real), ...grads.map((g, i) => g ?? tf.zerosLike(all[i]))];
      }),
    );
  }

  private ready(): { spec: Rl2ShardSpec; batch: TrialBatch; targets?: Rl2Targets } {
    if (!this.spec || !this.batch) throw new Error("Rl2Shard: call 'configure' and 'setBatch' first.");
    return { spec: this.spec, batch: this.batch, targets: this.targets };
  }

  private async withParams<T>(theta: Float32Array, f: (policy: Params, value: Params, core: ReturnType<typeof recurrentCore>) => Promise<T>): Promise<T> {
    const { spec } = this.ready();
    const params = unflattenParams(theta, [...spec.policyShapes, ...spec.valueShapes]);
    try {
      return await f(params.slice(0, spec.policyShapes.length), params.slice(spec.policyShapes.length), recurrentCore(spec.core.name, spec.core.options));
    } finally {
      disposeParams(params);
    }
  }
}

/** Tensors of the trials `cols` of a batch and its targets. */
export function minibatchTensors(batch: TrialBatch, targets: Rl2Targets, cols: readonly number[]): Rl2MinibatchTensors {
  const { T, B, inputDim, actDim } = batch;
  const b = cols.length;
  const pick = (src: Float32Array, width: number) => selectTrials(src, T, B, width, cols);
  return {
    xs: tf.tensor3d(pick(batch.xs, inputDim), [T, b, inputDim]),
    actions: tf.tensor3d(pick(batch.actions, actDim), [T, b, actDim]),
    times: tf.tensor2d(pick(batch.times, TIME_INPUTS), [T * b, TIME_INPUTS]),
    mask: tf.tensor1d(pick(batch.mask, 1)),
    logpOld: tf.tensor1d(pick(targets.logpOld, 1)),
    adv: tf.tensor1d(pick(targets.adv, 1)),
    targets: tf.tensor1d(pick(targets.targets, 1)),
  };
}

/** The handlers of one thread's {@link Rl2Shard} (the factory a LearnerPool's workers call). */
export function rl2ShardHandlers(): SyncHandlers {
  const shard = new Rl2Shard();
  return {
    configure: (spec: Rl2ShardSpec) => shard.configure(spec),
    setBatch: (batch: TrialBatch) => shard.setBatch(batch),
    setTargets: (targets: Rl2Targets) => shard.setTargets(targets),
    evaluate: (units: number[], theta: Float32Array, groups: number[][]) => mapUnits(units, (u) => shard.evaluate(theta, groups[u])),
    gradient: (units: number[], theta: Float32Array, groups: number[][], opts: Rl2LossOptions) => mapUnits(units, (u) => shard.gradient(theta, groups[u], opts)),
  };
}
