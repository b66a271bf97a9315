/**
 * Sampling-speed benchmark for the envs layer: env steps per second with a seeded random policy, for a single
 * env and for VecEnvs of several sizes (robots in one world), side by side in one run.
 *
 *   npm run bench -- [--env CheetahVel-v0] [--steps 2000] [--repeats 5] [--json out.json]
 *
 * Each figure is the median of `repeats` timed runs after a warm-up (the first seconds of WASM run slower).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { makeEnv, makeVecEnv, Rng } from '../envs/index.js';

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'CheetahVel-v0' },
    steps: { type: 'string', default: '2000' },
    repeats: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const envId = values.env;
const totalSteps = Number(values.steps);
const repeats = Number(values.repeats);

/** Env steps per second of `run(n)`, which performs n env steps: median, min and max over repeats. */
function measure(run: (envSteps: number) => void): { median: number; min: number; max: number } {
  run(Math.max(200, totalSteps / 4)); // warm-up
  const rates = Array.from({ length: repeats }, () => {
    const t0 = performance.now();
    run(totalSteps);
    return totalSteps / ((performance.now() - t0) / 1000);
  }).sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)], min: rates[0], max: rates[rates.length - 1] };
}

async function singleEnvRate() {
  const env = await makeEnv(envId);
  const rng = Rng.fromSeed(0);
  env.reset({ seed: 0 });
  const rate = measure((n) => {
    for (let t = 0; t < n; t++) {
      const r = env.step(env.actionSpace.sample(rng));
      if (r.terminated || r.truncated) env.reset();
    }
  });
  env.close();
  return rate;
}

async function vecEnvRate(numEnvs: number) {
  const vec = await makeVecEnv(envId, numEnvs);
  const rng = Rng.fromSeed(0);
  const actions = new Float32Array(numEnvs * vec.singleActionSpace.dim);
  vec.reset(0);
  const rate = measure((n) => {
    for (let t = 0; t < Math.ceil(n / numEnvs); t++) {
      for (let i = 0; i < actions.length; i++) actions[i] = rng.uniform(-1, 1);
      vec.step(actions);
    }
  });
  vec.close();
  return rate;
}

const rows: Array<{ config: string; median: number; min: number; max: number }> = [];
rows.push({ config: 'single env', ...(await singleEnvRate()) });
for (const n of [8, 64]) rows.push({ config: `VecEnv ${n} robots, one world`, ...(await vecEnvRate(n)) });

const base = rows[0].median;
console.log(`${envId}, random policy, env steps/s (median [min, max] of ${repeats} x ${totalSteps} steps) on ${cpus()[0]?.model ?? 'unknown CPU'}, 1 thread`);
for (const r of rows)
  console.log(`  ${r.config.padEnd(28)} ${r.median.toFixed(0).padStart(7)}  [${r.min.toFixed(0)}, ${r.max.toFixed(0)}]  ${(r.median / base).toFixed(2)}x`);
if (values.json) writeFileSync(values.json, JSON.stringify({ envId, totalSteps, repeats, rows }, null, 2));
