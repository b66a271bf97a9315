/**
 * PEARL's networks (katerakelly/oyster launch_experiment.py:40-65) and their Adam optimizers (sac.py:71-90):
 * - policy π(a | s, z): tanh-Gaussian, ReLU MLP [obsDim + L, netSize x netDepth, 2·actDim];
 * - twin critics Q1, Q2(s, a, z): [obsDim + actDim + L, netSize x netDepth, 1];
 * - state value V(s, z) and its target copy V̄ (soft-updated with τ): [obsDim + L, netSize x netDepth, 1];
 * - context encoder: [contextDim, ...encoderHidden, 2L] (L without the information bottleneck);
 * - with `learnEntropy`, log α (a [1] variable, α = 1 at the start).
 * Optimizers: policy (policyLr), Q1+Q2 (qfLr), V (vfLr), encoder (contextLr), log α (alphaLr).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/rng.js';
import { disposeParams, paramShapes, toVariables } from '../nets.js';
import { rlkitMlpInit } from '../sac-nets.js';
import { Adam } from './adam.js';
import type { PearlConfig } from './pearl-options.js';
import type { TensorState } from './types.js';

/** Sizes the networks are built for. */
export interface PearlDims {
  obsDim: number;
  actDim: number;
  /** Width of a context row: obs + action + reward (+ next obs). */
  contextDim: number;
  latent: number;
}

/** The networks as trainable variables (targetVf is not trainable: it only follows vf). */
export interface PearlNets {
  policy: tf.Variable[];
  qf1: tf.Variable[];
  qf2: tf.Variable[];
  vf: tf.Variable[];
  targetVf: tf.Variable[];
  encoder: tf.Variable[];
  /** [log α] with `learnEntropy`, else empty. */
  logAlpha: tf.Variable[];
}

/** The parameter groups in checkpoint order. */
export const PEARL_GROUPS = ['policy', 'qf1', 'qf2', 'vf', 'targetVf', 'encoder', 'logAlpha'] as const;

/** Output layer init ranges (networks.py:27 init_w 3e-3; policies.py:41 init_w 1e-3). */
const CRITIC_INIT_W = 3e-3;
const POLICY_INIT_W = 1e-3;

/** Freshly initialised networks, drawn from `rng` in a fixed order. */
export function initPearlNets(rng: Rng, d: PearlDims, c: PearlConfig): PearlNets {
  const hidden = Array.from({ length: c.netDepth }, () => c.netSize);
  const make = (sizes: number[], initW: number, trainable = true) => {
    const params = rlkitMlpInit(rng, sizes, initW);
    const vars = toVariables(params, trainable);
    disposeParams(params);
    return vars;
  };
  const encoderOut = c.useInformationBottleneck ? 2 * d.latent : d.latent;
  const encoder = make([d.contextDim, ...c.encoderHidden, encoderOut], CRITIC_INIT_W);
  const qf1 = make([d.obsDim + d.actDim + d.latent, ...hidden, 1], CRITIC_INIT_W);
  const qf2 = make([d.obsDim + d.actDim + d.latent, ...hidden, 1], CRITIC_INIT_W);
  const vf = make([d.obsDim + d.latent, ...hidden, 1], CRITIC_INIT_W);
  const targetVf = vf.map((v) => tf.variable(v, false));
  const policy = make([d.obsDim + d.latent, ...hidden, 2 * d.actDim], POLICY_INIT_W);
  const logAlpha = c.learnEntropy ? [tf.variable(tf.zeros([1]), true)] : [];
  return { policy, qf1, qf2, vf, targetVf, encoder, logAlpha };
}

/** Every variable of `nets`. */
export function allVariables(nets: PearlNets): tf.Variable[] {
  return PEARL_GROUPS.flatMap((g) => nets[g]);
}

/** The Adam optimizers of PEARL's networks. */
export class PearlOptimizers {
  readonly policy: Adam;
  readonly qf: Adam;
  readonly vf: Adam;
  readonly context: Adam;
  readonly alpha: Adam | undefined;
  /** Slots of each optimizer (2 per variable + the step count). */
  private readonly slotCounts: Map<Adam, number> = new Map();

  constructor(nets: PearlNets, c: PearlConfig) {
    const adam = (vars: tf.Variable[], learningRate: number) => {
      const optimizer = new Adam(paramShapes(vars), { learningRate });
      this.slotCounts.set(optimizer, 2 * vars.length + 1);
      return optimizer;
    };
    this.policy = adam(nets.policy, c.policyLr);
    this.qf = adam([...nets.qf1, ...nets.qf2], c.qfLr);
    this.vf = adam(nets.vf, c.vfLr);
    this.context = adam(nets.encoder, c.contextLr);
    this.alpha = c.learnEntropy ? adam(nets.logAlpha, c.alphaLr ?? c.policyLr) : undefined;
  }

  private all(): [string, Adam][] {
    const list: [string, Adam][] = [['policy', this.policy], ['qf', this.qf], ['vf', this.vf], ['context', this.context]];
    return this.alpha ? [...list, ['alpha', this.alpha]] : list;
  }

  /** Slots of every optimizer, named `<optimizer>/<slot>` (e.g. `qf/m/3`), in a fixed order. */
  async getState(): Promise<TensorState[]> {
    const slots = await Promise.all(this.all().map(([, adam]) => adam.getState()));
    return this.all().flatMap(([name], k) => slots[k].map((s) => ({ ...s, name: `${name}/${s.name}` })));
  }

  /** Restore slots saved by {@link getState}; throws when their number or shapes do not match. */
  setState(slots: readonly TensorState[]): void {
    let offset = 0;
    for (const [name, adam] of this.all()) {
      const count = this.slotCounts.get(adam) as number;
      const mine = slots.slice(offset, offset + count);
      if (mine.length !== count || !mine.every((s) => s.name === undefined || s.name.startsWith(`${name}/`))) {
        throw new Error(`PEARL setState: optimizer slots do not match (expected ${count} '${name}/...' slots from index ${offset}).`);
      }
      adam.setState(mine);
      offset += count;
    }
    if (offset !== slots.length) throw new Error(`PEARL setState: ${slots.length} optimizer slots, expected ${offset}.`);
  }

  dispose(): void {
    for (const [, adam] of this.all()) adam.dispose();
  }
}
