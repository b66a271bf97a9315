/**
 * The MAML meta-gradient test's fixtures on the TF.js side: synthetic tasks (obs 2, one hidden layer of 8 tanh,
 * actions 2, learned logStd) built from the float64 reference (maml-reference.ts), and their tensors. Shared by the
 * wasm/cpu checks (maml.test.ts) and the webgpu checks (webgpu.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LearnedRule } from '../agents/meta/inner-rule.js';
import { disposeTaskData, metaGradient, outerLoss, type InnerUpdate, type MamlTaskData } from '../agents/meta/maml-objective.js';
import { adapt64, logProb64, makeBatch64, metaGradFd64, outerLoss64, scaledError, shapes64, type OldPolicy64, type Params64, type StepSize64, type Task64 } from './maml-reference.js';

/** Layer sizes [obs, hidden, actions]. */
export const SIZES = [2, 8, 2];
/** Samples per batch. */
export const N = 16;
/** Inner step size. */
export const LR = 0.3;
const NUM_TASKS = 2;

/**
 * Tasks with `steps` inner batches each; logpOld is the float64 log-likelihood under θ'(θ0), rounded to float32.
 * @param lr the inner step: {@link LR}, or per-parameter step sizes (Meta-SGD).
 */
export function syntheticTasks(params: Params64, steps: number, lr: StepSize64 = LR): Task64[] {
  return Array.from({ length: NUM_TASKS }, (_, t) => {
    const inner = Array.from({ length: steps }, (_, s) => makeBatch64(100 * t + s, N, SIZES[0], SIZES[2]));
    const outer = makeBatch64(100 * t + 50, N, SIZES[0], SIZES[2]);
    outer.logpOld = logProb64(adapt64(params, SIZES, inner, lr), SIZES, outer).map(Math.fround);
    return { inner, outer };
  });
}

/** The float64 parameters as float32 tensors. */
export function toTfParams(p: Params64): tf.Tensor[] {
  const shapes = shapes64(SIZES);
  return p.map((a, i) => tf.tensor(Float32Array.from(a), shapes[i]));
}

/** The tasks as tensors; π_old's means/logStd (for the KL) from `olds`, zeros when not given. */
export function toTfTasks(tasks: Task64[], olds?: OldPolicy64[]): MamlTaskData[] {
  const batch = (b: Task64['outer']) => ({
    obs: tf.tensor2d(Float32Array.from(b.obs), [N, SIZES[0]]),
    actions: tf.tensor2d(Float32Array.from(b.actions), [N, SIZES[2]]),
    advantages: tf.tensor1d(Float32Array.from(b.adv)),
  });
  const old = (i: number) => ({
    oldMean: olds ? tf.tensor2d(Float32Array.from(olds[i].mean), [N, SIZES[2]]) : tf.zeros([N, SIZES[2]]),
    oldLogStd: olds ? tf.tensor1d(Float32Array.from(olds[i].logStd)) : tf.zeros([SIZES[2]]),
  });
  return tasks.map((t, i) => ({
    inner: t.inner.map(batch),
    outer: { ...batch(t.outer), logpOld: tf.tensor1d(Float32Array.from(t.outer.logpOld as Float64Array)), ...(old(i) as { oldMean: tf.Tensor2D; oldLogStd: tf.Tensor1D }) },
  }));
}

/**
 * The outer loss and its meta-gradient, read back asynchronously (works on every backend, webgpu included).
 * @param ruleParams a learned inner rule's parameters ρ: then the gradient is w.r.t. [θ, ρ], flat.
 * @param rule which rule ρ belongs to (default Meta-SGD's per-parameter step sizes α).
 */
export async function tfMetaGradient(params: tf.Tensor[], tasks: MamlTaskData[], firstOrder: boolean, ruleParams?: tf.Tensor[], rule: LearnedRule = { kind: 'step-sizes' }): Promise<{ value: number; grad: number[] }> {
  const update: InnerUpdate = { lr: LR, firstOrder, activation: 'tanh' };
  const meta = ruleParams ? [...params, ...ruleParams] : params;
  const { value, grads } = tf.tidy(() => metaGradient(meta, tasks, update, ruleParams ? rule : undefined));
  const read = await Promise.all([value, ...grads].map((t) => t.data()));
  tf.dispose([value, ...grads]);
  return { value: read[0][0], grad: read.slice(1).flatMap((g) => Array.from(g)) };
}

/** What {@link metaGradientCheck} measured on the active backend. */
export interface MetaGradientCheck {
  /** Scaled errors of the second- and first-order meta-gradients against float64 central differences. */
  secondOrder: number;
  firstOrder: number;
  /** |L_out − float64 L_out| of the value returned with the gradient, and of `outerLoss` evaluated on its own. */
  valueError: number;
  lossError: number;
}

/** The MAML meta-gradient through `steps` inner steps of synthetic tasks at `params64`, against the float64 reference. */
export async function metaGradientCheck(params64: Params64, steps: number): Promise<MetaGradientCheck> {
  const tasks64 = syntheticTasks(params64, steps);
  const reference = metaGradFd64(params64, SIZES, tasks64, LR);
  const params = toTfParams(params64);
  const tasks = toTfTasks(tasks64);
  const second = await tfMetaGradient(params, tasks, false);
  const first = await tfMetaGradient(params, tasks, true);
  const lossTensor = tf.tidy(() => outerLoss(params, tasks, { lr: LR, firstOrder: false, activation: 'tanh' }));
  const loss = (await lossTensor.data())[0];
  tf.dispose([lossTensor, ...params]);
  disposeTaskData(tasks);
  const value64 = outerLoss64(params64, SIZES, tasks64, LR);
  return {
    secondOrder: scaledError(second.grad, reference),
    firstOrder: scaledError(first.grad, reference),
    valueError: Math.abs(second.value - value64),
    lossError: Math.abs(loss - value64),
  };
}
