/**
 * Acting with PEARL: the latent-conditioned policy on a VecEnv (one z per env) and posterior sampling.
 * - Training data (katerakelly/oyster rlkit/core/rl_algorithm.py `collect_data`): per task, whole episodes until at
 *   least `steps` transitions; z is resampled before every episode from the current belief, which is the prior,
 *   or, in a posterior phase after its first `updatePostTrain` episodes, q(z | c) of a context batch
 *   (`embeddingBatchSize` rows) drawn from the task's encoder buffer, recomputed every `updatePostTrain` episodes.
 *   The tasks run side by side, one env each; an env whose task has enough data keeps stepping unrecorded until
 *   the round's other envs finish (no waste when episodes have a fixed length, as PEARL's envs do).
 * - Evaluation (`collect_paths`, the protocol in DESIGN.md): a trial of E episodes on one task, z from the prior
 *   for the first, then from the posterior of all transitions gathered so far in the trial.
 * Everything runs in plain JS on parameter copies (mlp-arrays.ts), seeded by the caller's stream.
 */
import type { Rng } from '../../envs/rng.js';
import type { Task, VecEnv } from '../../envs/types.js';
import { concatArrays } from '../../envs/typed-arrays.js';
import { mlpArrays, snapshotParams, type DenseArrays } from '../mlp-arrays.js';
import type { Params } from '../nets.js';
import type { ReplayBuffer } from '../replay-buffer.js';
import { squashedActArrays } from '../sac-nets.js';
import { sampleEpisodes, type BatchPolicy, type Path } from '../sampler.js';
import { encoderPosteriorArrays, priorArrays, sampleLatentArrays, type LatentPosterior } from './pearl-encoder.js';

/** A plain-JS copy of the policy and encoder, taken once per collection or evaluation. */
export interface PearlActor {
  policy: DenseArrays[];
  encoder: DenseArrays[];
  obsDim: number;
  actDim: number;
  latent: number;
  useInformationBottleneck: boolean;
  useNextObsInContext: boolean;
}

/** Copy the current networks (an asynchronous read). */
export async function snapshotActor(policy: Params, encoder: Params, sizes: Omit<PearlActor, 'policy' | 'encoder'>): Promise<PearlActor> {
  const [policyArrays, encoderArrays] = await Promise.all([snapshotParams(policy), snapshotParams(encoder)]);
  return { ...sizes, policy: mlpArrays(policyArrays), encoder: mlpArrays(encoderArrays) };
}

/** Width of a context row: obs, action, reward (+ next obs). */
export function contextWidth(a: Pick<PearlActor, 'obsDim' | 'actDim' | 'useNextObsInContext'>): number {
  return a.obsDim + a.actDim + 1 + (a.useNextObsInContext ? a.obsDim : 0);
}

/**
 * The policy with a fixed z per env: input row i = [obs_i, z_i]. @param z [numEnvs*L].
 * @param noise action noise, or 'mean' for tanh(mean) actions.
 */
export function latentPolicy(actor: PearlActor, z: Float32Array, noise: Rng | 'mean'): BatchPolicy {
  const width = actor.obsDim + actor.latent;
  return (obs) => {
    const n = obs.length / actor.obsDim;
    const x = new Float32Array(n * width);
    for (let i = 0; i < n; i++) {
      x.set(obs.subarray(i * actor.obsDim, (i + 1) * actor.obsDim), i * width);
      x.set(z.subarray(i * actor.latent, (i + 1) * actor.latent), i * width + actor.obsDim);
    }
    return squashedActArrays(actor.policy, x, n, noise);
  };
}

/** The context rows (s, a, r[, s']) of a path, [T*C]. */
export function pathContext(path: Path, actor: PearlActor): Float32Array {
  const { obsDim, actDim } = actor;
  const cols = contextWidth(actor);
  const out = new Float32Array(path.length * cols);
  for (let t = 0; t < path.length; t++) {
    const o = t * cols;
    out.set(path.obs.subarray(t * obsDim, (t + 1) * obsDim), o);
    out.set(path.actions.subarray(t * actDim, (t + 1) * actDim), o + obsDim);
    out[o + obsDim + actDim] = path.rewards[t];
    if (actor.useNextObsInContext) out.set(t + 1 < path.length ? path.obs.subarray((t + 1) * obsDim, (t + 2) * obsDim) : path.finalObs, o + obsDim + actDim + 1);
  }
  return out;
}

/** q(z | c) from `rows` context rows drawn uniformly (with replacement) from an encoder buffer. */
export function bufferPosterior(actor: PearlActor, buffer: ReplayBuffer, rows: number, rng: Rng): LatentPosterior<Float64Array> {
  const context = new Float32Array(rows * contextWidth(actor));
  buffer.gatherContext(buffer.sampleRows(rng, rows), context, 0, actor.useNextObsInContext);
  return encoderPosteriorArrays(actor.encoder, context, actor.latent, actor.useInformationBottleneck);
}

/** One episode per env of `vec` with z_i ~ beliefs[i]. @returns the paths, env order. */
export function latentRound(vec: VecEnv, actor: PearlActor, beliefs: readonly LatentPosterior<Float64Array>[], deterministic: boolean, rng: Rng): Path[] {
  const z = new Float32Array(beliefs.length * actor.latent);
  beliefs.forEach((belief, i) => sampleLatentArrays(belief, rng, z, i * actor.latent));
  const noise = deterministic ? 'mean' : rng.fork();
  return sampleEpisodes(vec, latentPolicy(actor, z, noise), { seed: rng.seed(), episodesPerEnv: 1 });
}

/** One collection phase of `collect_data`. */
export interface CollectPhase {
  /** Transitions per task (whole episodes until at least this many). */
  steps: number;
  /** z from the posterior after the first `updatePostTrain` episodes (else always the prior). */
  posterior: boolean;
  /** Also add the data to the encoder buffers. */
  addToEncoder: boolean;
}

/** Where a phase writes and how it samples context. */
export interface CollectTarget {
  /** One env per task (env i runs `tasks[i]`). */
  vec: VecEnv;
  tasks: readonly Task[];
  /** Each task's RL and encoder buffers. */
  rl: readonly ReplayBuffer[];
  enc: readonly ReplayBuffer[];
  embeddingBatchSize: number;
  updatePostTrain: number;
}

/** Episodes of a phase, split by the belief z came from. */
export interface CollectedPaths {
  prior: Path[];
  posterior: Path[];
  /** Transitions recorded (every recorded episode's length; episodes cut by a physics error are not stored). */
  steps: number;
}

/** Run one phase on every task of `target`; adds the recorded episodes to the buffers. */
export function collectPhase(target: CollectTarget, actor: PearlActor, phase: CollectPhase, rng: Rng): CollectedPaths {
  const out: CollectedPaths = { prior: [], posterior: [], steps: 0 };
  if (phase.steps <= 0) return out;
  const prior = priorArrays(actor.latent, actor.useInformationBottleneck);
  const counts = target.tasks.map(() => 0);
  let beliefs = target.tasks.map(() => prior);
  let fromPosterior = false;
  target.vec.setTasks(target.tasks);
  for (let round = 0; counts.some((n) => n < phase.steps); round++) {
    if (phase.posterior && round > 0 && round % target.updatePostTrain === 0) {
      beliefs = target.enc.map((buffer) => (buffer.size > 0 ? bufferPosterior(actor, buffer, target.embeddingBatchSize, rng) : prior));
      fromPosterior = true;
    }
    const paths = latentRound(target.vec, actor, beliefs, false, rng);
    paths.forEach((path, i) => {
      if (counts[i] >= phase.steps) return;
      counts[i] += path.length;
      out.steps += path.length;
      (fromPosterior ? out.posterior : out.prior).push(path);
      if (path.physicsError !== undefined) return;
      target.rl[i].addPath(path);
      if (phase.addToEncoder) target.enc[i].addPath(path);
    });
  }
  return out;
}

/**
 * A trial of `episodes` episodes per env on `vec` (its tasks already set): z from the prior in episode 1, then
 * from q(z | all transitions of this env's earlier episodes). @returns paths[e][env].
 */
export function posteriorTrial(vec: VecEnv, actor: PearlActor, episodes: number, deterministic: boolean, rng: Rng): Path[][] {
  const prior = priorArrays(actor.latent, actor.useInformationBottleneck);
  const context: Float32Array[][] = Array.from({ length: vec.numEnvs }, () => []);
  const out: Path[][] = [];
  for (let e = 0; e < episodes; e++) {
    const beliefs = context.map((rows) => (e === 0 ? prior : encoderPosteriorArrays(actor.encoder, concatArrays(rows, Float32Array), actor.latent, actor.useInformationBottleneck)));
    const paths = latentRound(vec, actor, beliefs, deterministic, rng);
    paths.forEach((path, i) => context[i].push(pathContext(path, actor)));
    out.push(paths);
  }
  return out;
}
