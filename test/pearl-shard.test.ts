/**
 * PEARL's data-parallel gradient step (agents/meta/pearl-shard.ts, pearl-update.ts): a group's critic and actor
 * gradients against float64 central differences of the group's own losses (along the parameters whose gradient
 * those losses define alone), the groups' weighted gradients adding up to the whole batch's, and the learner's
 * numbers independent of the thread count (gradientShards 3 on 1, 2 and 3 threads: same bits).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../agents/backend.js';
import { Rng } from '../envs/index.js';
import { allocateBatch } from '../agents/replay-buffer.js';
import { flattenParams } from '../agents/nets.js';
import { initPearlNets, type PearlDims, type PearlNets } from '../agents/meta/pearl-nets.js';
import { resolvePearlOptions } from '../agents/meta/pearl-options.js';
import { ACTOR_HEADER, ACTOR_PARAMS, CRITIC_HEADER, CRITIC_PARAMS, PearlShard, type PearlShardArrays } from '../agents/meta/pearl-shard.js';
import { shardSpec, taskGroups } from '../agents/meta/pearl-update.js';
import { Pearl } from '../agents/meta/pearl.js';
import type { MetaMetrics } from '../agents/meta/types.js';

const dims: PearlDims = { obsDim: 3, actDim: 2, contextDim: 6, latent: 2 };
const config = resolvePearlOptions({ envId: 'PointNav-v0', envOptions: {}, seed: 0, vecRun: { workers: 1 }, netSize: 8, netDepth: 2, encoderHidden: [8], latentSize: 2, klLambda: 0.3, learnEntropy: true, policyMeanRegWeight: 0.01, policyStdRegWeight: 0.02, policyPreActivationWeight: 0.005 });
const M = 3;
const B = 4;
const N = 5;

/** Random step arrays of `tasks` tasks (terminals 0/1). */
function stepArrays(rng: Rng, tasks: number): PearlShardArrays {
  const fill = (n: number, scale = 1) => Float32Array.from({ length: n }, () => scale * rng.normal());
  const batch = allocateBatch(tasks * B, dims.obsDim, dims.actDim);
  batch.obs.set(fill(batch.obs.length));
  batch.actions.set(fill(batch.actions.length, 0.5).map(Math.tanh));
  batch.rewards.set(fill(batch.rewards.length));
  batch.nextObs.set(fill(batch.nextObs.length));
  batch.terminals.set(Float32Array.from({ length: tasks * B }, (_, i) => (i % 3 === 0 ? 1 : 0)));
  return { tasks, batchSize: B, contextSize: N, batch, context: fill(tasks * N * dims.contextDim), zEps: fill(tasks * dims.latent), actionEps: fill(tasks * B * dims.actDim) };
}

/** Tasks [first, first + count) of `x`. */
function slice(x: PearlShardArrays, first: number, count: number): PearlShardArrays {
  const part = (a: Float32Array, perTask: number) => a.slice(first * perTask, (first + count) * perTask);
  const b = x.batch;
  return {
    tasks: count, batchSize: B, contextSize: N,
    batch: { obs: part(b.obs, B * dims.obsDim), actions: part(b.actions, B * dims.actDim), rewards: part(b.rewards, B), nextObs: part(b.nextObs, B * dims.obsDim), terminals: part(b.terminals, B) },
    context: part(x.context, N * dims.contextDim), zEps: part(x.zEps, dims.latent), actionEps: part(x.actionEps, B * dims.actDim),
  };
}

/** Σ_i g_i v_i in float64 against (f(θ + hv) − f(θ − hv)) / 2h, v random on the entries [from, to) of θ. */
async function checkDirectional(f: (theta: Float32Array) => Promise<number>, theta: Float32Array, grad: Float32Array, from: number, to: number, what: string): Promise<void> {
  const rng = Rng.fromSeed(7);
  const v = new Float64Array(theta.length);
  for (let i = from; i < to; i++) v[i] = rng.normal();
  const h = 1e-2;
  const at = (s: number) => Float32Array.from(theta, (t, i) => t + s * h * v[i]);
  const numeric = ((await f(at(1))) - (await f(at(-1)))) / (2 * h);
  const analytic = grad.reduce((s, g, i) => s + g * v[i], 0);
  assert.ok(Math.abs(numeric - analytic) <= 2e-2 * Math.max(1, Math.abs(analytic)), `${what}: finite differences ${numeric} vs gradient ${analytic}`);
}

describe('PEARL data-parallel gradient step', () => {
  let nets: PearlNets;
  let shard: PearlShard;
  before(async () => {
    await initBackend('wasm', () => {});
    nets = initPearlNets(Rng.fromSeed(1), dims, config);
    shard = new PearlShard();
    shard.configure(shardSpec(nets, dims, config));
  });

  const size = (names: readonly (keyof PearlNets)[]) => names.reduce((n, g) => n + nets[g].reduce((k, v) => k + v.size, 0), 0);

  it("a group's critic gradient is that of w·L_Q + β·KL (float64 central differences along Q1, Q2)", async () => {
    const theta = await flattenParams(CRITIC_PARAMS.flatMap((g) => nets[g]));
    const x = stepArrays(Rng.fromSeed(2), 2);
    const weight = 0.4;
    const answer = await shard.critic(theta, x, weight);
    const loss = async (t: Float32Array) => {
      const a = await shard.critic(t, x, weight);
      return weight * a[0] + config.klLambda * a[1];
    };
    const grad = answer.subarray(CRITIC_HEADER + 2 * dims.latent);
    assert.equal(grad.length, size(['qf1', 'qf2', 'encoder']));
    await checkDirectional(loss, theta, grad, 0, size(['qf1', 'qf2']), 'critic along Q1, Q2');
  });

  it("a group's actor gradient is that of w·(L_V + L_π): central differences of L_π along π and of L_V along V", async () => {
    const theta = await flattenParams(ACTOR_PARAMS.flatMap((g) => nets[g]));
    const x = stepArrays(Rng.fromSeed(3), 2);
    const z = Float32Array.of(0.3, -0.2, 0.1, 0.5);
    const weight = 0.7;
    const answer = await shard.actor(theta, x, z, weight);
    const grad = answer.subarray(ACTOR_HEADER + 2 * B);
    const policy = size(['policy']);
    assert.equal(grad.length, policy + size(['vf']));
    const part = (k: number) => async (t: Float32Array) => weight * (await shard.actor(t, x, z, weight))[k];
    await checkDirectional(part(1), theta, grad, 0, policy, 'policy loss along π');
    await checkDirectional(part(0), theta, grad, policy, policy + size(['vf']), 'V loss along V');
  });

  it("the groups' weighted gradients add up to the whole batch's (critic, z, actor)", async () => {
    const x = stepArrays(Rng.fromSeed(4), M);
    const groups = taskGroups(M, 2);
    assert.deepEqual(groups, [{ first: 0, count: 2 }, { first: 2, count: 1 }]);
    const thetaC = await flattenParams(CRITIC_PARAMS.flatMap((g) => nets[g]));
    const whole = await shard.critic(thetaC, x, 1);
    const parts = await Promise.all(groups.map((g) => shard.critic(thetaC, slice(x, g.first, g.count), g.count / M)));
    const zWhole = whole.subarray(CRITIC_HEADER, CRITIC_HEADER + M * dims.latent);
    const zParts = parts.flatMap((p, u) => [...p.subarray(CRITIC_HEADER, CRITIC_HEADER + groups[u].count * dims.latent)]);
    assertClose(zParts, zWhole, 1e-6, 'z');
    const summed = (answers: Float32Array[], offsets: number[]) => answers[0].subarray(offsets[0]).map((_, i) => answers.reduce((s, a, u) => s + a[offsets[u] + i], 0));
    assertClose(summed(parts, groups.map((g) => CRITIC_HEADER + g.count * dims.latent)), whole.subarray(CRITIC_HEADER + M * dims.latent), 1e-4, 'critic gradient');
    const thetaA = await flattenParams(ACTOR_PARAMS.flatMap((g) => nets[g]));
    const actorWhole = await shard.actor(thetaA, x, zWhole, 1);
    const actorParts = await Promise.all(groups.map((g, u) => shard.actor(thetaA, slice(x, g.first, g.count), parts[u].slice(CRITIC_HEADER, CRITIC_HEADER + g.count * dims.latent), g.count / M)));
    assertClose(summed(actorParts, groups.map((g) => ACTOR_HEADER + g.count * B)), actorWhole.subarray(ACTOR_HEADER + M * B), 1e-4, 'actor gradient');
  });

  it('gives the same numbers on 1, 2 and 3 learner threads (gradientShards 3), and other numbers with 1 shard', async () => {
    const tiny = {
      envId: 'PointNav-v0', envOptions: { horizon: 10 }, seed: 3, vecRun: { workers: 1 }, numTrainTasks: 4, numTasksSample: 2, latentSize: 3, netSize: 16, netDepth: 2, encoderHidden: [16],
      metaBatch: 3, batchSize: 16, embeddingBatchSize: 8, numInitialSteps: 20, numStepsPrior: 10, numExtraRlStepsPosterior: 10, numTrainStepsPerItr: 5, learnEntropy: true,
    };
    const run = async (learnerThreads: number, gradientShards: number) => {
      const learner = await Pearl.create({ ...tiny, learnerThreads, gradientShards });
      try {
        const metrics: unknown[] = [];
        for (const seed of [1, 2]) metrics.push(stable(await learner.metaStep([], seed)));
        const state = await learner.getState();
        return { metrics, params: Object.values(state.params).flatMap((ts) => ts.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64'))) };
      } finally {
        learner.dispose();
      }
    };
    const one = await run(1, 3);
    assert.deepEqual(await run(2, 3), one, '2 threads');
    assert.deepEqual(await run(3, 3), one, '3 threads');
    assert.notDeepEqual((await run(1, 1)).params, one.params, 'one group rounds differently');
  });
});

function stable(m: MetaMetrics): unknown {
  const { timings: _t, info, ...rest } = m;
  const { gradientStepsPerSecond: _g, ...kept } = info;
  return { ...rest, info: kept };
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}
