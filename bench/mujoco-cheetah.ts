/**
 * Speed anchor: the official MuJoCo WebAssembly build (`mujoco-js`, a devDependency of the benchmark only) stepping
 * Gymnasium's half cheetah (bench/half-cheetah-mjcf.ts) in Node on one core, as Gymnasium's HalfCheetah-v5 steps it:
 * one env step = FRAME_SKIP mj_steps of 0.01 s.
 *
 * `mujoco-js` is imported dynamically, so modules importing this one still load when it is absent.
 */
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import { Rng } from '../envs/rng.js';
import { measureRate, type MeasureOptions, type Rate } from './measure.js';
import { HALF_CHEETAH_MJCF } from './half-cheetah-mjcf.js';

/** Physics steps per env step (Gymnasium's HalfCheetah frame_skip): one env step = 5 × 0.01 s = 0.05 s. */
export const FRAME_SKIP = 5;

/** Env steps per episode (Gymnasium's HalfCheetah horizon); the rate benchmark resets this often. */
export const EPISODE_STEPS = 1000;

/** Where the MJCF is written in the module's in-memory file system while MuJoCo compiles it. */
const XML_PATH = '/half_cheetah.xml';

/** A half cheetah in its own MuJoCo WASM instance. */
export interface MujocoCheetah {
  /** Position coordinates (9: rootx, rootz, rooty, then six leg hinges). */
  readonly nq: number;
  /** Velocity coordinates (9). */
  readonly nv: number;
  /** Actuators (6 motors, control in [-1, 1]). */
  readonly nu: number;
  /** Physics timestep, s (0.01). */
  readonly timestep: number;
  /** MuJoCo's version string (e.g. '3.3.8'), else 'mujoco-js 0.0.7'. */
  readonly version: string;
  /** One env step: set the nu controls (in [-1, 1]), then mj_step FRAME_SKIP times (0.05 s). Allocates nothing. */
  stepEnv(ctrl: ArrayLike<number>): void;
  /** Back to the model's initial state (mj_resetData, then mj_forward). */
  reset(): void;
  /** A copy of the current positions (m and rad), length nq. */
  qpos(): Float64Array;
  /** Release the MuJoCo model and data; the cheetah is unusable afterwards. */
  free(): void;
}

/**
 * Load `mujoco-js` (a fresh WASM instance per call, so cheetahs never share a heap), compile the half cheetah and
 * make its data, in the initial state.
 */
export async function loadMujocoCheetah(): Promise<MujocoCheetah> {
  const mujoco = await loadMujocoModule();
  const model = compileCheetah(mujoco);
  const data = new mujoco.MjData(model);
  mujoco.mj_forward(model, data);
  return wrapCheetah(mujoco, model, data);
}

/**
 * Env steps per second (median, min and max over `options.repeats` timed runs) of `cheetah` driven by uniform random
 * actions in [-1, 1]^nu from `Rng.fromSeed(seed)`, drawn inside the timed loop; reset every EPISODE_STEPS env steps.
 */
export function mujocoCheetahRate(cheetah: MujocoCheetah, options: MeasureOptions, seed = 0): Rate {
  const rng = Rng.fromSeed(seed);
  const action = new Float64Array(cheetah.nu);
  let t = 0;
  cheetah.reset();
  return measureRate((envSteps) => {
    for (let i = 0; i < envSteps; i++) {
      if (t === EPISODE_STEPS) {
        cheetah.reset();
        t = 0;
      }
      fillUniform(rng, action);
      cheetah.stepEnv(action);
      t++;
    }
  }, options);
}

/** Fill `out` with uniform draws in [-1, 1). */
function fillUniform(rng: Rng, out: Float64Array): void {
  for (let j = 0; j < out.length; j++) out[j] = rng.uniform(-1, 1);
}

/** A fresh mujoco-js WASM instance; a clear error when the package is not installed. */
async function loadMujocoModule(): Promise<MainModule> {
  let factory: typeof import('mujoco-js').default;
  try {
    factory = (await import('mujoco-js')).default;
  } catch (err) {
    throw new Error('mujoco-js is not installed: npm install --save-dev mujoco-js (a devDependency of the benchmark only)', {
      cause: err,
    });
  }
  return factory();
}

/**
 * Compile HALF_CHEETAH_MJCF. `MjModel.loadFromXML` returns null when the XML does not parse (MuJoCo prints the reason
 * to stderr) and throws a message-less C++ exception (name 'mjCError') when the model does not compile.
 */
function compileCheetah(mujoco: MainModule): MjModel {
  mujoco.FS.writeFile(XML_PATH, HALF_CHEETAH_MJCF);
  let model: MjModel | null;
  try {
    model = mujoco.MjModel.loadFromXML(XML_PATH);
  } catch (err) {
    throw new Error(`mujoco-js could not compile the half cheetah MJCF (${(err as Error).name}).`, { cause: err });
  } finally {
    mujoco.FS.unlink(XML_PATH);
  }
  if (!model) throw new Error('mujoco-js could not parse the half cheetah MJCF (MuJoCo printed the reason to stderr).');
  return model;
}

/**
 * The MujocoCheetah over a model and its data. The `data.ctrl` view is fetched once: it is a Float64Array over the
 * WASM heap, which only a heap growth would detach, and nothing allocates on this instance's heap after MjData is made
 * (mj_step and mj_resetData work in MuJoCo's preallocated arena).
 */
function wrapCheetah(mujoco: MainModule, model: MjModel, data: MjData): MujocoCheetah {
  const ctrl = data.ctrl as Float64Array;
  const nu = model.nu;
  return {
    nq: model.nq,
    nv: model.nv,
    nu,
    timestep: model.opt.timestep,
    version: typeof mujoco.mj_versionString === 'function' ? mujoco.mj_versionString() : 'mujoco-js 0.0.7',
    stepEnv(action) {
      if (action.length !== nu) throw new Error(`MujocoCheetah.stepEnv: expected ${nu} controls, got ${action.length}.`);
      for (let i = 0; i < nu; i++) ctrl[i] = action[i];
      for (let k = 0; k < FRAME_SKIP; k++) mujoco.mj_step(model, data);
    },
    reset() {
      mujoco.mj_resetData(model, data);
      mujoco.mj_forward(model, data);
    },
    qpos: () => (data.qpos as Float64Array).slice(),
    free() {
      data.delete();
      model.delete();
    },
  };
}
