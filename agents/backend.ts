/**
 * Pick the TF.js backend at run time: `tensorflow` (from `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`,
 * when the user installed one and its native addon loads) > `webgpu` (when the user installed it and Dawn finds a
 * hardware adapter: webgpu-backend.ts) > `wasm` (SIMD, single thread) > `cpu`.
 *
 * tfjs-node is never a dependency (its install script downloads libtensorflow). It is detected WITHOUT importing it:
 * resolve its package.json, find the addon file node-pre-gyp would pick (`lib/napi-v{N}/tfjs_binding.node`), load
 * that addon, and only then import the package. Importing a broken tfjs-node registers ~150 kernels before it
 * throws, which would leave the engine half-configured.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { enableHigherOrderGradients } from './higher-order-grad.js';
import { registerWasmSliceKernels } from './wasm-slice.js';
import { activateWebgpu, hasGpuDevice, probeWebgpu, type WebgpuProbe } from './webgpu-backend.js';

/** A TF.js backend this project runs on. */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
/** What a user may ask for (`--backend`). */
export type BackendRequest = 'auto' | BackendName;

/** One backend {@link initBackend} looked at, and why it was or was not taken. */
export interface BackendCandidate {
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  ok: boolean;
  /** e.g. `tfjs-node 4.22.0`, `tfjs-node-gpu not installed`, `SIMD`. */
  reason: string;
}

/** The backend now active. */
export interface BackendInfo {
  name: BackendName;
  package: string;
  /** What it is: `SIMD`, `tfjs-node-gpu 4.22.0`, `plain JS`. */
  detail: string;
  /** Why this one: `requested`, `first choice`, or what was skipped before it. */
  reason: string;
  /** Every candidate tried, in order. */
  candidates: BackendCandidate[];
}

/** How tfjs-node(-gpu) is found and loaded; injectable so detection can be tested without the packages. */
export interface NativeLoader {
  /** Absolute path of `<pkg>/package.json`, or null when the package is not installed. */
  resolvePackageJson(pkg: string): string | null;
  readText(path: string): string;
  exists(path: string): boolean;
  /** Load a native addon; throws when it, or a shared library it links (libtensorflow, CUDA), cannot load. */
  loadAddon(path: string): void;
  /** Import the package; called only after its addon loaded. */
  importPackage(pkg: string): Promise<unknown>;
  /** `process.versions.napi`. */
  napiVersion: number;
  /** Find a WebGPU adapter (webgpu-backend.ts). */
  probeWebgpu(): Promise<WebgpuProbe>;
  /** Whether a GPU device exists for Dawn (else `auto` does not probe webgpu). */
  hasGpuDevice(): boolean;
  /** Register and select the webgpu backend after a successful probe. */
  activateWebgpu(): Promise<void>;
}

const GPU = '@tensorflow/tfjs-node-gpu';
const NODE = '@tensorflow/tfjs-node';
const WASM = '@tensorflow/tfjs-backend-wasm';
const CPU = '@tensorflow/tfjs-backend-cpu';
const REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
const WEBGPU = '@tensorflow/tfjs-backend-webgpu';
const require = createRequire(import.meta.url);

/** The real loader: Node's resolution from this file, `require` of the `.node` file (cached for tfjs-node). */
export const nodeLoader: NativeLoader = {
  resolvePackageJson: (pkg) => resolveOrNull(`${pkg}/package.json`),
  readText: (path) => readFileSync(path, 'utf8'),
  exists: existsSync,
  loadAddon: (path) => void require(path),
  importPackage: (pkg) => import(pkg),
  napiVersion: Number(process.versions.napi ?? 0),
  probeWebgpu,
  hasGpuDevice,
  activateWebgpu,
};

/**
 * Select, initialise and announce the TF.js backend, then make gradients usable (core gradients registered,
 * second-order tape fix installed: see higher-order-grad.ts). `auto` takes the first that works of
 * tfjs-node-gpu, tfjs-node, webgpu on a hardware adapter, wasm, cpu; an explicit request that is unavailable throws an Error naming the
 * available choices and the install command. Prints one line to `log` (default: stderr), e.g.
 * `metarl: TF.js backend wasm (SIMD) — tfjs-node-gpu not installed, tfjs-node not installed`.
 */
export async function initBackend(
  requested: BackendRequest = 'auto',
  log: (msg: string) => void = (msg) => console.error(msg),
  loader: NativeLoader = nodeLoader,
): Promise<BackendInfo> {
  if (!REQUESTS.includes(requested)) {
    throw new Error(`Unknown TF.js backend '${String(requested)}': choose one of ${REQUESTS.join(', ')}.`);
  }
  const info = requested === 'auto' ? await pickAuto(loader) : await pickExplicit(requested, loader);
  await enableHigherOrderGradients();
  log(`metarl: TF.js backend ${info.name} (${info.detail}) — ${info.reason}`);
  return info;
}

/** Switch the active backend (tests, benchmarks). `tensorflow` must have been set up by {@link initBackend}. */
export async function useBackend(name: BackendName): Promise<void> {
  if (name === 'wasm') await activateWasm();
  else if (name === 'webgpu') await activateWebgpu();
  else if (name === 'cpu') await activateCpu();
  else if (!tf.findBackendFactory('tensorflow') || !(await tf.setBackend('tensorflow'))) {
    throw new Error(`TF.js backend 'tensorflow' is not set up: call initBackend('tensorflow') first.`);
  }
}

/**
 * Whether `pkg` (tfjs-node or tfjs-node-gpu) is installed at tfjs-core's version with a native addon that loads.
 * Never imports the package itself.
 */
export function probeTensorflow(pkg: string, loader: NativeLoader = nodeLoader): BackendCandidate {
  const short = pkg.replace('@tensorflow/', '');
  const verdict = (ok: boolean, reason: string): BackendCandidate => ({ name: 'tensorflow', package: pkg, ok, reason });
  const pkgJson = loader.resolvePackageJson(pkg);
  if (pkgJson == null) return verdict(false, `${short} not installed`);
  const meta = JSON.parse(loader.readText(pkgJson)) as PackageMeta;
  if (meta.version !== tf.version_core) {
    return verdict(false, `${short} ${meta.version} does not match tfjs-core ${tf.version_core}`);
  }
  const addon = addonPath(dirname(pkgJson), meta, loader.napiVersion);
  if (addon == null) return verdict(false, `${short} has no addon for N-API ${loader.napiVersion}`);
  if (!loader.exists(addon)) return verdict(false, `${short} native addon missing (${addon})`);
  try {
    loader.loadAddon(addon);
  } catch (e) {
    return verdict(false, `${short} native addon does not load: ${firstLine(e)}`);
  }
  return verdict(true, `${short} ${meta.version}`);
}

/**
 * The addon file node-pre-gyp's `find()` would give tfjs-node: `module_path` with the highest `napi_versions`
 * entry this Node supports, plus `<module_name>.node`; null when no listed N-API version is supported.
 */
export function addonPath(pkgDir: string, meta: PackageMeta, napiVersion: number): string | null {
  const binary = meta.binary ?? {};
  const template = binary.module_path ?? './lib/napi-v{napi_build_version}';
  const versions = (binary.napi_versions ?? []).filter((v) => v <= napiVersion);
  if (template.includes('{napi_build_version}') && versions.length === 0) return null;
  const dir = template.replace('{napi_build_version}', String(Math.max(...versions)));
  return join(pkgDir, dir, `${binary.module_name ?? 'tfjs_binding'}.node`);
}

/** The fields of a tfjs-node package.json that locate its addon. */
export interface PackageMeta {
  version?: string;
  binary?: { module_name?: string; module_path?: string; napi_versions?: number[] };
}

async function pickAuto(loader: NativeLoader): Promise<BackendInfo> {
  const tried: BackendCandidate[] = [];
  for (const attempt of [() => tryTensorflow(GPU, loader), () => tryTensorflow(NODE, loader), () => tryWebgpu(loader, true), tryWasm]) {
    const candidate = await attempt();
    tried.push(candidate);
    if (candidate.ok) return describe(candidate, tried);
  }
  tried.push(await tryCpu());
  return describe(tried[tried.length - 1], tried);
}

async function pickExplicit(name: BackendName, loader: NativeLoader): Promise<BackendInfo> {
  const tried: BackendCandidate[] = [];
  if (name === 'tensorflow') {
    tried.push(await tryTensorflow(GPU, loader));
    if (!tried[0].ok) tried.push(await tryTensorflow(NODE, loader));
  } else if (name === 'webgpu') {
    tried.push(await tryWebgpu(loader, false));
  } else {
    tried.push(name === 'wasm' ? await tryWasm() : await tryCpu());
  }
  const chosen = tried.find((c) => c.ok);
  if (!chosen) throw unavailable(name, tried, loader);
  return { ...describe(chosen, tried), reason: 'requested' };
}

async function tryTensorflow(pkg: string, loader: NativeLoader): Promise<BackendCandidate> {
  const probe = probeTensorflow(pkg, loader);
  if (!probe.ok) return probe;
  try {
    await loader.importPackage(pkg);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`tf.setBackend('tensorflow') returned false`);
    return probe;
  } catch (e) {
    return { ...probe, ok: false, reason: `${probe.reason} failed to start: ${firstLine(e)}` };
  }
}

/** The webgpu backend when an adapter is found (a hardware one when `hardwareOnly`, as `auto` wants). */
async function tryWebgpu(loader: NativeLoader, hardwareOnly: boolean): Promise<BackendCandidate> {
  const verdict = (ok: boolean, reason: string): BackendCandidate => ({ name: 'webgpu', package: WEBGPU, ok, reason });
  if (hardwareOnly && !loader.hasGpuDevice()) return verdict(false, 'webgpu: no GPU device');
  const probe = await loader.probeWebgpu();
  if (!probe.ok) return verdict(false, probe.reason);
  if (hardwareOnly && !probe.hardware) return verdict(false, `webgpu adapter is software (${probe.reason})`);
  try {
    await loader.activateWebgpu();
    return verdict(true, probe.reason);
  } catch (e) {
    await activateCpu();
    return verdict(false, `webgpu failed to start: ${firstLine(e)}`);
  }
}

async function tryWasm(): Promise<BackendCandidate> {
  try {
    return { name: 'wasm', package: WASM, ok: true, reason: await activateWasm() };
  } catch (e) {
    await activateCpu(); // setBackend leaves the engine pointing at the failed backend
    return { name: 'wasm', package: WASM, ok: false, reason: `wasm failed to start: ${firstLine(e)}` };
  }
}

async function tryCpu(): Promise<BackendCandidate> {
  await activateCpu();
  return { name: 'cpu', package: CPU, ok: true, reason: 'plain JS' };
}

/**
 * Start the wasm backend from the .wasm files shipped in its package (offline), SIMD single-threaded in Node.
 * Emscripten adds process `uncaughtException`/`unhandledRejection` listeners that rethrow from inside the handler
 * (Node then prints a minified source line and exits with code 7); they are removed so errors surface normally.
 * Returns `SIMD` or `no SIMD`.
 */
async function activateWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(require.resolve(WASM));
  if (!tf.findBackend('wasm') && existsSync(join(dist, 'tfjs-backend-wasm-simd.wasm'))) {
    wasm.setWasmPaths(dist + sep);
  }
  const ok = await withoutNewCrashListeners(() => tf.setBackend('wasm'));
  if (!ok) throw new Error(`could not initialise the wasm module from ${dist}`);
  registerWasmSliceKernels(); // slices that do not copy their whole input first (wasm-slice.ts)
  return (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'SIMD' : 'no SIMD';
}

async function activateCpu(): Promise<void> {
  await tf.setBackend('cpu');
  // The cpu backend's first write prints a "install tfjs-node" banner; initBackend's line already says that.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

const CRASH_EVENTS = ['uncaughtException', 'unhandledRejection'];

async function withoutNewCrashListeners<T>(run: () => Promise<T>): Promise<T> {
  const events: EventEmitter = process;
  const before = CRASH_EVENTS.map((event) => new Set(events.listeners(event)));
  try {
    return await run();
  } finally {
    CRASH_EVENTS.forEach((event, i) => {
      for (const listener of events.listeners(event)) {
        if (!before[i].has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
      }
    });
  }
}

function describe(chosen: BackendCandidate, tried: BackendCandidate[]): BackendInfo {
  const skipped = tried.filter((c) => !c.ok).map((c) => c.reason);
  const reason = skipped.length > 0 ? skipped.join(', ') : 'first choice';
  return { name: chosen.name, package: chosen.package, detail: chosen.reason, reason, candidates: tried };
}

function unavailable(name: BackendName, tried: BackendCandidate[], loader: NativeLoader): Error {
  const others = availableChoices(loader).filter((c) => c !== name);
  const version = tf.version_core;
  const fix =
    name === 'tensorflow'
      ? `npm install ${GPU}@${version} (NVIDIA GPU with CUDA) or npm install ${NODE}@${version} (CPU)`
      : name === 'webgpu'
        ? `npm install ${WEBGPU}@${version} webgpu (and a Vulkan loader and driver: libvulkan1 + the GPU's driver, or mesa-vulkan-drivers)`
        : `npm install ${WASM}@${version} (its .wasm files must sit in its dist/ folder)`;
  return new Error(
    `TF.js backend '${name}' is not available: ${tried.map((c) => c.reason).join('; ')}. ` +
      `Available: ${others.join(', ')}. Fix: ${fix}, or choose another backend.`,
  );
}

function availableChoices(loader: NativeLoader): string[] {
  const choices = ['auto'];
  if (tf.findBackend('tensorflow') || [GPU, NODE].some((p) => loader.resolvePackageJson(p) != null)) {
    choices.push('tensorflow');
  }
  if (resolveOrNull(`${WEBGPU}/package.json`) != null) choices.push('webgpu');
  if (resolveOrNull(WASM) != null) choices.push('wasm');
  return [...choices, 'cpu'];
}

function resolveOrNull(specifier: string): string | null {
  try {
    return require.resolve(specifier);
  } catch {
    return null;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
