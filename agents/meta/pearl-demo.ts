/**
 * PEARL's adaptation as the viewer plays it: one stateful policy over ONE env that runs a trial of E episodes with
 * posterior sampling (z from the prior in episode 1, then from q(z | the transitions it has seen in the trial)),
 * rebuilding each transition (s, a, r) from the sampler's step context (its previous action and reward).
 */
import type { Rng } from '../../envs/rng.js';
import type { BatchPolicy } from '../sampler.js';
import { latentPolicy, type PearlActor } from './pearl-collect.js';
import { encoderPosteriorArrays, priorArrays, sampleLatentArrays } from './pearl-encoder.js';

/** Lane labels of a trial of E episodes: `prior sample`, `after 1 context episode`, `after 2 context episodes`, ... */
export function pearlLaneLabels(episodes: number): string[] {
  return Array.from({ length: episodes }, (_, e) => (e === 0 ? 'prior sample' : `after ${e} context episode${e > 1 ? 's' : ''}`));
}

/**
 * A trial policy over one env. With `useNextObsInContext` the last transition of each episode is left out of the
 * context (its s' is the terminal observation, which a policy never sees: the env has already reset).
 * @param rng draws z (and the action noise unless `deterministic`).
 */
export function posteriorSamplingPolicy(actor: PearlActor, rng: Rng, deterministic: boolean): BatchPolicy {
  const { obsDim, actDim } = actor;
  const z = new Float32Array(actor.latent);
  sampleLatentArrays(priorArrays(actor.latent, actor.useInformationBottleneck), rng, z, 0);
  const noise = deterministic ? 'mean' : rng.fork();
  const act = latentPolicy(actor, z, noise); // reads z at every step: updating z in place switches the belief
  const rows: number[] = [];
  let prevObs: Float32Array | undefined;
  return (obs, step) => {
    if (obs.length !== obsDim) throw new Error(`posteriorSamplingPolicy: acts for one env (${obsDim} observation values), got ${obs.length}.`);
    const start = step.episodeStart[0] === 1;
    if (prevObs && !(start && actor.useNextObsInContext)) {
      rows.push(...prevObs, ...step.prevAction.subarray(0, actDim), step.prevReward[0], ...(actor.useNextObsInContext ? obs : []));
    }
    if (start && rows.length > 0) {
      const posterior = encoderPosteriorArrays(actor.encoder, Float32Array.from(rows), actor.latent, actor.useInformationBottleneck);
      sampleLatentArrays(posterior, rng, z, 0);
    }
    prevObs = obs.slice();
    return act(obs, step);
  };
}
