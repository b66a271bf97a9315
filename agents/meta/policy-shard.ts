/**
 * One thread's share of a Gaussian-MLP meta-learner's tensor work (MAML, FOMAML, ProMP, Reptile, the multi-task
 * baseline), served through a LearnerPool (agents/learner-pool.ts): the tasks of a meta-batch it owns, with their
 * batches as tensors, and per-task quantities computed on request. Every result is one task's own (a loss, a
 * gradient, a Fisher-vector product of that task alone), never a sum over this thread's tasks: the calling
 * thread reduces them in task order, so the numbers do not depend on how tasks are dealt to threads.
 *
 * Per iteration: `begin` (θ), `inner` once per inner step (the task's samples in, θ_i^{(j+1)} out; the batch is
 * kept when the outer objective needs it), `outer` (the post-update samples, with θ'_i as their sampling policy),
 * then the learner's requests (policy-shard-ops.ts). Only parameters and vectors travel per request.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SyncHandlers } from '../../envs/sync-channel.js';
import { mapUnits } from '../learner-pool.js';
import { disposeParams, flattenParams, tidyFlat, unflattenParams, type Activation, type Params } from '../nets.js';
import { ruleShapes, type LearnedRule } from './inner-rule.js';
import { adaptFrom, disposeTaskData, innerLoss, splitMetaParams, type InnerState, type InnerUpdate, type MamlTaskData } from './maml-objective.js';
import { disposeBatches, outerBatch, type OuterBatch, type PolicyBatch } from './policy-batch.js';
import { policyShardOps, toUpdate, type UpdateSpec } from './policy-shard-ops.js';
import { toPolicyBatch, type TaskSamples } from './task-samples.js';

export type { UpdateSpec } from './policy-shard-ops.js';

/** The shapes every thread needs once. */
export interface ShardSpec {
  activation: Activation;
  obsDim: number;
  actDim: number;
  /** θ's parameter shapes. */
  shapes: number[][];
  /**
   * A learned inner rule (inner-rule.ts): the meta-parameters are φ = [θ, ρ], every flat vector is [P + |ρ|], and
   * every inner step is the rule's (Meta-SGD: θ − α ⊙ ∇L_in; LSTM optimizer: θ + m_ω(∇L_in, state)). Default none:
   * φ = θ, the step's own `lr`.
   */
  rule?: LearnedRule;
}

/** One inner step of every task this thread owns. */
export interface InnerStepSpec {
  /** The step, applied to θ_i^{(j)} (values only: nothing differentiates through it here). */
  update: UpdateSpec;
  /** Keep the step's batch: `batch` as sampled (MAML), `sampler` with its sampling policy's log-probs (ProMP), or not. */
  record: 'none' | 'batch' | 'sampler';
  /** Also return the VPG loss at θ on this batch (the first step's metric). */
  lossAtTheta: boolean;
}

/** What {@link InnerStepSpec} returns per task: θ_i^{(j+1)} flat [P], and the VPG loss at θ when asked (else NaN). */
export interface InnerStepResult {
  adapted: Float32Array;
  innerLoss: number;
}

/** A task this thread owns, in the current iteration. */
export interface ShardTask {
  /** θ_i^{(j)}: the shard's θ before the first inner step. */
  current: Params;
  /** The learned rule's state after θ_i^{(j)}'s step (the LSTM optimizer's; empty before the first step and for SGD). */
  state: InnerState;
  /** The recorded inner batches, one per step. */
  inner: PolicyBatch[];
  /** The post-update batch with θ'_i(θ_old) as its sampling policy. */
  outer?: OuterBatch;
  /** The subsampled copy for Fisher-vector products (policy-curvature.ts). */
  curvature?: MamlTaskData;
  /** Multi-task PPO: the task's samples with θ's log-probs and distribution. */
  ppo?: OuterBatch;
}

/** The per-thread state; {@link policyShardHandlers} serves it. */
export class PolicyShard {
  spec: ShardSpec | undefined;
  /** The meta-parameters φ of the current iteration: θ, or [θ, ρ] with a learned inner rule. */
  meta: Params = [];
  /** θ of the current iteration (the first entries of {@link meta}). */
  theta: Params = [];
  readonly tasks = new Map<number, ShardTask>();

  configure(spec: ShardSpec): void {
    this.spec = spec;
  }

  /** Start an iteration at φ (θ [P], or [θ, ρ] with a learned rule): every task of the previous one is freed. */
  begin(meta: Float32Array): void {
    this.clear();
    this.meta = unflattenParams(meta, this.metaShapes);
    this.theta = this.meta.slice(0, this.shapes.shapes.length);
  }

  /** The shapes of φ: θ's, then the learned rule's. */
  get metaShapes(): number[][] {
    const { shapes, rule } = this.shapes;
    return rule ? [...shapes, ...ruleShapes(rule, shapes)] : shapes;
  }

  /** θ and the inner update `spec` of meta-parameters φ (with φ's learned rule, if any). */
  split(meta: Params, spec: UpdateSpec): [Params, InnerUpdate] {
    return splitMetaParams(meta, toUpdate(spec), this.shapes.rule);
  }

  /** The inner update `spec` at the iteration's φ. */
  update(spec: UpdateSpec): InnerUpdate {
    return this.split(this.meta, spec)[1];
  }

  /** Task `i` (created on first use). */
  task(i: number): ShardTask {
    let task = this.tasks.get(i);
    if (!task) this.tasks.set(i, (task = { current: this.theta, state: [], inner: [] }));
    return task;
  }

  /** Task `i`, which must have its post-update batch. */
  outerTask(i: number): ShardTask & { outer: OuterBatch } {
    const task = this.tasks.get(i);
    if (!task?.outer) throw new Error(`PolicyShard: task ${i} has no post-update batch on this thread; call 'outer' first.`);
    return task as ShardTask & { outer: OuterBatch };
  }

  /** The spec, which `configure` must have set. */
  get shapes(): ShardSpec {
    if (!this.spec) throw new Error("PolicyShard: not configured; call 'configure' first.");
    return this.spec;
  }

  /** A task's samples as a batch of tensors. */
  batch(samples: TaskSamples): PolicyBatch {
    return toPolicyBatch(samples, this.shapes.obsDim, this.shapes.actDim);
  }

  /** One inner step of task `i` on `samples`. */
  async innerStep(i: number, samples: TaskSamples, step: InnerStepSpec): Promise<InnerStepResult> {
    const task = this.task(i);
    const { activation } = this.shapes;
    const plain = this.batch(samples);
    const batch = step.record === 'sampler' ? outerBatch(task.current, plain, activation) : plain;
    const loss = step.lossAtTheta ? (await tidyFlat(() => [innerLoss(this.theta, batch, activation)]))[0] : NaN;
    const [params, state] = tf.tidy(() => {
      const next = adaptFrom(task.current, task.state, [batch], this.update(step.update));
      return [next.params, next.state];
    });
    if (task.current !== this.theta) disposeParams(task.current);
    if (state !== task.state) tf.dispose(task.state);
    task.current = params;
    task.state = state;
    if (step.record === 'none') disposeBatches([batch]);
    else task.inner.push(batch);
    return { adapted: await flattenParams(params), innerLoss: loss };
  }

  /** The post-update batch of task `i`, sampled by its current θ'_i. */
  setOuter(i: number, samples: TaskSamples): void {
    const task = this.task(i);
    task.outer = outerBatch(task.current, this.batch(samples), this.shapes.activation);
  }

  /** Tensors of a flat φ (or the shard's φ for null): the caller disposes them unless they are `this.meta`. */
  params(meta: Float32Array | null): Params {
    return meta === null ? this.meta : unflattenParams(meta, this.metaShapes);
  }

  /** Run `f` on the params of a flat φ (θ, or [θ, ρ]), freeing them after. */
  async withParams<T>(meta: Float32Array | null, f: (params: Params) => Promise<T>): Promise<T> {
    const params = this.params(meta);
    try {
      return await f(params);
    } finally {
      if (params !== this.meta) disposeParams(params);
    }
  }

  /** Free every task and θ. */
  clear(): void {
    for (const task of this.tasks.values()) {
      if (task.current !== this.theta) disposeParams(task.current);
      tf.dispose(task.state);
      disposeTaskData([{ inner: task.inner, outer: task.outer }]);
      if (task.curvature) disposeTaskData([task.curvature]);
      if (task.ppo) disposeBatches([task.ppo]);
    }
    this.tasks.clear();
    disposeParams(this.meta);
    this.meta = [];
    this.theta = [];
  }
}

/** The handlers of one thread's {@link PolicyShard} (the factory a LearnerPool's workers call). */
export function policyShardHandlers(): SyncHandlers {
  const shard = new PolicyShard();
  return {
    configure: (spec: ShardSpec) => shard.configure(spec),
    begin: (meta: Float32Array) => shard.begin(meta),
    clear: () => shard.clear(),
    inner: (units: number[], samples: TaskSamples[], step: InnerStepSpec) => mapUnits(units, (i, k) => shard.innerStep(i, samples[k], step)),
    outer: (units: number[], samples: TaskSamples[]) => units.map((i, k) => shard.setOuter(i, samples[k]) ?? null),
    ...policyShardOps(shard),
  };
}
