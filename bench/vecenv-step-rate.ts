/**
 * Env steps/s of one in-process VecEnv (all robots stepped on the calling thread), fixed sinusoidal actions, after
 * a warm-up: the cost of the physics layout (one Rapier world per robot, envs/vec-env.ts).
 *
 *   node --import tsx bench/vecenv-step-rate.ts [EnvId-v0] [robots] [steps]
 */
import '../envs/index.js';
import { makeVecEnvBlock } from '../envs/registry.js';

const [envId = 'CheetahVel-v0', robots = '64', steps = '1000'] = process.argv.slice(2);
const n = Number(robots);
const vec = await makeVecEnvBlock(envId, n, {}, 0);
vec.reset(1);
const actions = new Float32Array(n * vec.singleActionSpace.dim).map((_, i) => Math.sin(i));
for (let t = 0; t < 200; t++) vec.step(actions);
const start = performance.now();
for (let t = 0; t < Number(steps); t++) vec.step(actions);
const rate = (n * Number(steps)) / ((performance.now() - start) / 1000);
console.log(`${envId}, ${n} robots: ${rate.toFixed(0)} env steps/s`);
vec.close();
