/**
 * The `webgpu` TF.js backend in Node: `@tensorflow/tfjs-backend-webgpu` on the `webgpu` npm package (Dawn, whose
 * `dawn.node` ships inside the package; it needs a Vulkan loader and driver on Linux). Neither package is a
 * dependency (Dawn is ~130 MB unpacked): users with a GPU install them (README, "Learning backends").
 *
 * Set-up: the package's WebGPU globals (GPUBufferUsage, ...) and `navigator.gpu` go on globalThis before the
 * backend is imported. An adapter is *hardware* unless Dawn reports a software architecture or a CPU rasteriser
 * (Mesa llvmpipe/lavapipe, SwiftShader): `auto` takes webgpu only on hardware; asking for it explicitly also
 * accepts a software adapter (how the correctness tests run in CI). WebGPU cannot read tensors synchronously in
 * Node (`dataSync` throws "OffscreenCanvas is not defined"): read with `await data()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const DAWN = 'webgpu';
const BACKEND = '@tensorflow/tfjs-backend-webgpu';
const require = createRequire(import.meta.url);

/** What the probe found: an adapter (and whether it is hardware) or why there is none. */
export interface WebgpuProbe {
  ok: boolean;
  /** A GPU, not a CPU rasteriser. */
  hardware: boolean;
  /** e.g. `nvidia hopper (NVIDIA H200)`, `mesa software (llvmpipe ...)`, or why it failed. */
  reason: string;
}

/** The fields of Dawn's GPUAdapterInfo the probe reads. */
interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

interface DawnModule {
  create(flags: string[]): { requestAdapter(): Promise<{ info?: AdapterInfo } | null> };
  globals: Record<string, unknown>;
}

let probed: Promise<WebgpuProbe> | undefined;

/** Find a WebGPU adapter through Dawn (once per process): never throws; `ok` false says why. */
export function probeWebgpu(): Promise<WebgpuProbe> {
  probed ??= probe();
  return probed;
}

async function probe(): Promise<WebgpuProbe> {
  const fail = (reason: string): WebgpuProbe => ({ ok: false, hardware: false, reason });
  const version = installedVersion(BACKEND);
  if (version === null) return fail('tfjs-backend-webgpu not installed');
  if (version !== tf.version_core) return fail(`tfjs-backend-webgpu ${version} does not match tfjs-core ${tf.version_core}`);
  if (installedVersion(DAWN) === null) return fail('webgpu (Dawn) not installed');
  try {
    const dawn = (await import(DAWN)) as DawnModule;
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis as { navigator?: object }).navigator, gpu }, configurable: true, writable: true });
    const adapter = await gpu.requestAdapter();
    if (!adapter) return fail('no WebGPU adapter (is a Vulkan driver installed?)');
    const info = adapter.info ?? {};
    const hardware = !isSoftware(info);
    return { ok: true, hardware, reason: describeAdapter(info) };
  } catch (e) {
    return fail(`webgpu failed to start: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
}

/**
 * Whether this machine may have a GPU for Dawn: not Linux (Metal, D3D12), or a GPU device node on Linux (an NVIDIA
 * device or a DRM render node). Without one only a software adapter can exist, and `auto` skips the probe, whose
 * adapter request makes Dawn print limit warnings on stderr.
 */
export function hasGpuDevice(): boolean {
  if (process.platform !== 'linux') return true;
  if (existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}

/** Whether Dawn's adapter is a CPU rasteriser (Mesa llvmpipe / lavapipe, SwiftShader) rather than a GPU. */
export function isSoftware(info: AdapterInfo): boolean {
  const text = `${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader|software/i.test(text);
}

/** `vendor architecture (description)` of an adapter, as the backend line prints it. */
export function describeAdapter(info: AdapterInfo): string {
  const name = [info.vendor, info.architecture].filter((s) => s).join(' ') || 'unknown adapter';
  return info.description ? `${name} (${info.description})` : name;
}

/** Register and select the webgpu backend (after a successful {@link probeWebgpu}). */
export async function activateWebgpu(): Promise<void> {
  await import(BACKEND);
  if (!(await tf.setBackend('webgpu'))) throw new Error(`tf.setBackend('webgpu') returned false`);
}

/** The version of installed package `pkg`, or null when it is not installed. */
function installedVersion(pkg: string): string | null {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}
