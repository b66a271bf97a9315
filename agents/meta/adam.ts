/**
 * Adam (Kingma & Ba 2015) over an explicit list of variables, with its moments and step count as plain data in a
 * fixed order (tf.train.adam keys its slots by variable name), read asynchronously and restored synchronously, as
 * a learner's getState/setState do.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tensorsToState } from './state.js';
import type { TensorState } from './types.js';

/** Adam hyperparameters. */
export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adam state for one fixed list of variables. */
export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  /** @param shapes shapes of the variables this optimizer will update, in order. */
  constructor(shapes: readonly number[][], readonly options: AdamOptions) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    const zeros = (s: number[]) => tf.tidy(() => tf.variable(tf.zeros(s), false)); // tidy frees the initial value
    this.m = shapes.map(zeros);
    this.v = shapes.map(zeros);
  }

  /**
   * One step: vars[i] -= lr · m̂_i / (sqrt(v̂_i) + ε). @param grads one gradient per variable, same shapes.
   * @param learningRate this step's lr (default `options.learningRate`; e.g. an annealed schedule).
   */
  step(vars: readonly tf.Variable[], grads: readonly tf.Tensor[], learningRate = this.options.learningRate): void {
    if (grads.length !== this.m.length || vars.length !== this.m.length) {
      throw new Error(`Adam.step: ${vars.length} variables and ${grads.length} gradients for ${this.m.length} slots.`);
    }
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      grads.forEach((g, i) => {
        this.m[i].assign(tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1)));
        this.v[i].assign(tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denom = tf.add(tf.sqrt(tf.div(this.v[i], c2)), this.epsilon);
        vars[i].assign(tf.sub(vars[i], tf.div(tf.mul(this.m[i], learningRate / c1), denom)));
      });
    });
  }

  /** Slots as plain data: `m/i`, `v/i` for each variable, then `t` ([1]). */
  async getState(): Promise<TensorState[]> {
    const t = this.t;
    const moments = [...(await tensorsToState(this.m, 'm')), ...(await tensorsToState(this.v, 'v'))];
    return [...moments, { name: 't', shape: [1], data: Float32Array.of(t) }];
  }

  /** Restore slots saved by {@link getState}; throws when their number or shapes do not match. */
  setState(slots: readonly TensorState[]): void {
    const n = this.m.length;
    if (slots.length !== 2 * n + 1) throw new Error(`Adam.setState: expected ${2 * n + 1} slots, got ${slots.length}.`);
    [...this.m, ...this.v].forEach((variable, i) => {
      if (!tf.util.arraysEqual(slots[i].shape, variable.shape)) {
        throw new Error(`Adam.setState: slot ${slots[i].name ?? i} has shape [${slots[i].shape}], expected [${variable.shape}].`);
      }
      tf.tidy(() => variable.assign(tf.tensor(Float32Array.from(slots[i].data), variable.shape)));
    });
    this.t = slots[2 * n].data[0];
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
