/**
 * VecEnvCache: the vector envs a meta-learner samples with, made once per size and reused (building robots and
 * worlds is far costlier than resetting them).
 */
import type { EnvOptions } from '../../envs/task-def.js';
import { makeVecEnv } from '../../envs/registry.js';
import type { VecEnv } from '../../envs/types.js';

/** VecEnvs of one env id, keyed by their number of envs. */
export class VecEnvCache {
  private readonly vecs = new Map<number, VecEnv>();

  constructor(
    private readonly envId: string,
    private readonly envOptions?: EnvOptions,
  ) {}

  /** The VecEnv with `numEnvs` envs, created on first use. */
  async get(numEnvs: number): Promise<VecEnv> {
    let vec = this.vecs.get(numEnvs);
    if (!vec) {
      vec = await makeVecEnv(this.envId, numEnvs, this.envOptions);
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
