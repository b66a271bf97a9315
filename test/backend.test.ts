/**
 * agents/backend.ts: auto selection (wasm here: tfjs-node cannot be installed on this machine), explicit requests,
 * tfjs-node(-gpu) detection through a fake loader (preferred when its addon loads, skipped without being imported
 * when it does not), and errors surfacing normally on wasm.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { addonPath, initBackend, useBackend, type NativeLoader } from '../agents/backend.js';
import type { WebgpuProbe } from '../agents/webgpu-backend.js';

const GPU = '@tensorflow/tfjs-node-gpu';
const NODE = '@tensorflow/tfjs-node';
const WEBGPU = '@tensorflow/tfjs-backend-webgpu';

/** Process listeners that look like Emscripten's (`if(!(ex instanceof ExitStatus)){throw ex}`, `throw reason`). */
function emscriptenCrashListeners(): string[] {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  return events.flatMap((e) => process.listeners(e as 'uncaughtException').map(String)).filter((src) => /ExitStatus|throw reason/.test(src));
}

/** What a fake install of one tfjs-node package looks like. */
interface FakePackage {
  version?: string;
  addon: 'loads' | 'broken' | 'missing';
}

/** A loader over fake packages that records which addons it loaded and which packages it imported. */
function fakeLoader(packages: Record<string, FakePackage>, webgpu: WebgpuProbe = { ok: false, hardware: false, reason: 'webgpu (Dawn) not installed' }): NativeLoader & { loaded: string[]; imported: string[] } {
  const root = '/fake/node_modules/';
  const addonOf = (pkg: string): string => `${root}${pkg}/lib/napi-v8/tfjs_binding.node`;
  const pkgOf = (path: string): string => path.slice(root.length).split('/').slice(0, 2).join('/');
  const loaded: string[] = [];
  const imported: string[] = [];
  return {
    loaded,
    imported,
    napiVersion: 9,
    resolvePackageJson: (pkg) => (packages[pkg] ? `${root}${pkg}/package.json` : null),
    readText: (path) =>
      JSON.stringify({
        version: packages[pkgOf(path)].version ?? tf.version_core,
        binary: { module_name: 'tfjs_binding', module_path: './lib/napi-v{napi_build_version}', napi_versions: [3, 4, 5, 6, 7, 8] },
      }),
    exists: (path) => path === addonOf(pkgOf(path)) && packages[pkgOf(path)].addon !== 'missing',
    loadAddon: (path) => {
      loaded.push(path);
      if (packages[pkgOf(path)].addon === 'broken') {
        throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');
      }
    },
    importPackage: async (pkg) => {
      imported.push(pkg);
      // What tfjs-node does on import: register the 'tensorflow' backend (here backed by the JS cpu code).
      tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
      return {};
    },
    probeWebgpu: async () => webgpu,
    hasGpuDevice: () => true,
    activateWebgpu: async () => {
      // Stands in for the real backend: a 'webgpu' backend backed by the JS cpu code.
      if (!tf.findBackendFactory('webgpu')) tf.registerBackend('webgpu', () => new MathBackendCPU(), 4);
      await tf.setBackend('webgpu');
    },
  };
}

describe('initBackend', () => {
  after(async () => {
    if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
    await useBackend('wasm');
  });

  it('auto picks wasm (SIMD) when tfjs-node is absent and webgpu has no hardware adapter, and prints one line saying why', async () => {
    const lines: string[] = [];
    const info = await initBackend('auto', (m) => lines.push(m));
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    // This machine has no GPU: webgpu is skipped as not installed, without adapter, or software (Mesa lavapipe).
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^metarl: TF.js backend wasm \(SIMD\) — tfjs-node-gpu not installed, tfjs-node not installed, (webgpu: no GPU device|webgpu adapter is software|no WebGPU adapter|webgpu \(Dawn\) not installed|tfjs-backend-webgpu not installed)/);
    assert.deepEqual(
      info.candidates.map((c) => [c.package, c.ok]),
      [[GPU, false], [NODE, false], [WEBGPU, false], ['@tensorflow/tfjs-backend-wasm', true]],
    );
  });

  it('auto takes webgpu on a hardware adapter after tfjs-node, never on a software one; explicit webgpu accepts software', async () => {
    const hardware = { ok: true, hardware: true, reason: 'nvidia hopper (NVIDIA H200)' };
    const software = { ok: true, hardware: false, reason: 'mesa software (llvmpipe)' };
    const lines: string[] = [];
    const onGpu = await initBackend('auto', (m) => lines.push(m), fakeLoader({}, hardware));
    assert.equal(onGpu.name, 'webgpu');
    assert.deepEqual(lines, ['metarl: TF.js backend webgpu (nvidia hopper (NVIDIA H200)) — tfjs-node-gpu not installed, tfjs-node not installed']);
    assert.equal((await initBackend('auto', () => {}, fakeLoader({ [GPU]: { addon: 'loads' } }, hardware))).name, 'tensorflow');
    tf.removeBackend('tensorflow');
    const cpuRaster = await initBackend('auto', () => {}, fakeLoader({}, software));
    assert.equal(cpuRaster.name, 'wasm');
    assert.match(cpuRaster.reason, /webgpu adapter is software \(mesa software \(llvmpipe\)\)/);
    const explicit = await initBackend('webgpu', () => {}, fakeLoader({}, software));
    assert.deepEqual([explicit.name, explicit.reason], ['webgpu', 'requested']);
    await assert.rejects(initBackend('webgpu', () => {}, fakeLoader({})), /'webgpu' is not available: webgpu \(Dawn\) not installed.*npm install @tensorflow\/tfjs-backend-webgpu@4\.22\.0 webgpu/);
    tf.removeBackend('webgpu');
    await useBackend('wasm');
  });

  it("explicit 'tensorflow' fails naming the choices and the install command, leaving the backend as it was", async () => {
    await assert.rejects(initBackend('tensorflow', () => {}), (e: Error) => {
      assert.match(e.message, /'tensorflow' is not available: tfjs-node-gpu not installed; tfjs-node not installed/);
      assert.match(e.message, /Available: auto, (webgpu, )?wasm, cpu/);
      assert.match(e.message, new RegExp(`npm install ${GPU}@${tf.version_core}`));
      return true;
    });
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('explicit cpu and wasm are honoured; unknown names are rejected', async () => {
    assert.equal((await initBackend('cpu', () => {})).reason, 'requested');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal((await initBackend('wasm', () => {})).name, 'wasm');
    await assert.rejects(initBackend('gpu' as 'cpu', () => {}), /choose one of auto, tensorflow, webgpu, wasm, cpu/);
    await assert.rejects(useBackend('tensorflow'), /initBackend\('tensorflow'\)/);
  });

  it('prefers tfjs-node-gpu when its addon loads, importing only it', async () => {
    const loader = fakeLoader({ [GPU]: { addon: 'loads' }, [NODE]: { addon: 'loads' } });
    const lines: string[] = [];
    const info = await initBackend('auto', (m) => lines.push(m), loader);
    assert.equal(info.name, 'tensorflow');
    assert.equal(info.package, GPU);
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.deepEqual(loader.loaded, [`/fake/node_modules/${GPU}/lib/napi-v8/tfjs_binding.node`]);
    assert.deepEqual(loader.imported, [GPU]);
    assert.deepEqual(lines, [`metarl: TF.js backend tensorflow (tfjs-node-gpu ${tf.version_core}) — first choice`]);
    tf.removeBackend('tensorflow');
    await useBackend('wasm');
  });

  it('skips a tfjs-node-gpu whose addon does not load without importing it, and falls to tfjs-node', async () => {
    const loader = fakeLoader({ [GPU]: { addon: 'broken' }, [NODE]: { addon: 'loads' } });
    const info = await initBackend('auto', () => {}, loader);
    assert.equal(info.package, NODE);
    assert.deepEqual(loader.imported, [NODE]);
    assert.match(info.reason, /tfjs-node-gpu native addon does not load: libcudart\.so\.11\.0/);
    tf.removeBackend('tensorflow');
    await useBackend('wasm');
  });

  it('falls to wasm when every tfjs-node is broken, missing its addon or at another version; imports none', async () => {
    const loader = fakeLoader({ [GPU]: { addon: 'missing' }, [NODE]: { addon: 'loads', version: '4.21.0' } });
    const info = await initBackend('auto', () => {}, loader);
    assert.equal(info.name, 'wasm');
    assert.deepEqual(loader.imported, []);
    assert.match(info.reason, /tfjs-node-gpu native addon missing \(.*napi-v8\/tfjs_binding\.node\)/);
    assert.match(info.reason, new RegExp(`tfjs-node 4.21.0 does not match tfjs-core ${tf.version_core}`));
  });

  it('locates the addon like node-pre-gyp: the highest listed N-API version this Node supports', () => {
    const meta = { binary: { module_name: 'tfjs_binding', module_path: './lib/napi-v{napi_build_version}', napi_versions: [3, 5, 8] } };
    assert.equal(addonPath('/p', meta, 9), join('/p', 'lib/napi-v8/tfjs_binding.node'));
    assert.equal(addonPath('/p', meta, 6), join('/p', 'lib/napi-v5/tfjs_binding.node'));
    assert.equal(addonPath('/p', meta, 2), null);
  });
});

describe('errors on wasm', () => {
  it('an error thrown inside tf.tidy propagates as a normal exception and frees its tensors', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    assert.throws(
      () =>
        tf.tidy(() => {
          tf.matMul(tf.ones([4, 4]), tf.ones([4, 4]));
          throw new Error('boom inside tidy');
        }),
      /boom inside tidy/,
    );
    assert.equal(tf.memory().numTensors, before);
  });

  it('wasm leaves no rethrowing process listeners behind', () => {
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(emscriptenCrashListeners(), []);
  });

  it('an uncaught async error after initBackend exits with code 1 and its own stack', async () => {
    const backend = pathToFileURL(join(import.meta.dirname, '../agents/backend.ts')).href;
    const script = `const { initBackend } = await import(${JSON.stringify(backend)});
      await initBackend('wasm', () => {});
      setTimeout(() => { throw new Error('boom-after-init'); }, 0);`;
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (error, _out, stderr) =>
        resolve({ code: error ? (error as { code?: number }).code ?? null : 0, stderr }),
      );
    });
    assert.equal(result.code, 1, result.stderr.slice(0, 500));
    assert.match(result.stderr, /Error: boom-after-init/);
    assert.doesNotMatch(result.stderr, /var Module=/);
  });
});
