/**
 * VecEnvCache: the vector envs a meta-learner samples with, made once per size and reused (building robots and
 * worlds is far costlier than resetting them), and the sizes of their observations and actions.
 */
import { actionSpace, observationSpace, type EnvOptions } from '../../envs/task-def.js';
import { envSpec, makeVecEnv } from '../../envs/registry.js';
import type { VecEnv } from '../../envs/types.js';
import type { VecRunOptions } from '../../envs/worker-vec.js';

/** VecEnvs of one env id, keyed by their number of envs. */
export class VecEnvCache {
  /** Size of one env's observation (with these env options). */
  readonly obsDim: number;
  /** Size of one env's action. */
  readonly actDim: number;
  private readonly vecs = new Map<number, VecEnv>();

  /** Throws for an unknown env id. */
  constructor(
    private readonly envId: string,
    private readonly envOptions?: EnvOptions,
    private readonly vecRun?: VecRunOptions,
  ) {
    const def = envSpec(envId).def;
    this.obsDim = observationSpace(def, envOptions ?? {}).dim;
    this.actDim = actionSpace(def).dim;
  }

  /** The VecEnv with `numEnvs` envs, created on first use. */
  async get(numEnvs: number): Promise<VecEnv> {
    let vec = this.vecs.get(numEnvs);
    if (!vec) {
      vec = await makeVecEnv(this.envId, numEnvs, this.envOptions, this.vecRun);
      this.vecs.set(numEnvs, vec);
    }
    return vec;
  }

  /** Close every cached VecEnv (frees their physics worlds). */
  close(): void {
    for (const vec of this.vecs.values()) vec.close();
    this.vecs.clear();
  }
}
