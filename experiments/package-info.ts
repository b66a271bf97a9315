/**
 * Where the metarl package lives on disk (the same from sources run by tsx and from the built dist/), and the
 * versions that results record.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory of metarl's package.json (the repository root in a checkout). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, 'utf8')).name === 'metarl') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('metarl: cannot find the package root (a package.json named "metarl" above this file).');
    dir = parent;
  }
}

/** Packages whose versions change results. */
const RECORDED_PACKAGES = ['@dimforge/rapier3d-simd-compat', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', 'zod'];

/** Versions of node, metarl and the packages results depend on, e.g. `{ node: '20.20.2', metarl: '0.1.0', ... }`. */
export function versions(): Record<string, string> {
  const root = packageRoot();
  const require = createRequire(join(root, 'package.json'));
  const out: Record<string, string> = { node: process.versions.node, metarl: readVersion(join(root, 'package.json')) };
  for (const pkg of RECORDED_PACKAGES) out[pkg] = installedVersion(pkg, require.resolve(pkg));
  return out;
}

/** The version in the package.json named `pkg` above its resolved entry file (exports may hide package.json). */
function installedVersion(pkg: string, entry: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === pkg) return readVersion(file);
  }
  return 'unknown';
}

function readVersion(packageJson: string): string {
  return String(JSON.parse(readFileSync(packageJson, 'utf8')).version);
}
