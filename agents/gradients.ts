/**
 * Registration of tfjs-core's gradient functions in Node.
 *
 * `@tensorflow/tfjs-core` alone registers no gradients in Node (its CJS bundle has none; the union package
 * `@tensorflow/tfjs` normally imports `dist/register_all_gradients`, whose extensionless ESM imports plain Node
 * cannot resolve), so even a first-order `tf.grad` fails with "gradient function not found".
 * {@link registerCoreGradients} imports that file through a resolve hook scoped to tfjs-core's dist/ folder.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

let registering: Promise<void> | null = null;

/** Register every gradient tfjs-core ships, unless some gradients are registered already (e.g. by tfjs-node). */
export function registerCoreGradients(): Promise<void> {
  if (tf.getGradient('Tanh') != null) return Promise.resolve();
  registering ??= importRegisterAllGradients().catch((e: unknown) => {
    registering = null;
    throw e;
  });
  return registering;
}

/**
 * Import tfjs-core's ESM `dist/register_all_gradients.js`. Its relative imports have no extension, which Node's ESM
 * resolver rejects, so a resolve hook scoped to that dist/ folder appends `.js` (or `/index.js`). The gradient code
 * runs on the one global engine and registry that tfjs-core keeps on globalThis, so it serves the CJS bundle too.
 */
async function importRegisterAllGradients(): Promise<void> {
  const dist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json')), 'dist');
  const distUrl = pathToFileURL(dist).href + '/';
  register(`data:text/javascript,${encodeURIComponent(extensionHook(distUrl))}`);
  await import(distUrl + 'register_all_gradients.js');
  if (tf.getGradient('Tanh') == null) throw new Error(`tfjs-core gradients did not register from ${dist}`);
}

/** Source of the ESM resolve hook (runs on Node's loader thread, so it is a string). */
function extensionHook(distUrl: string): string {
  return `const DIST = ${JSON.stringify(distUrl)};
export async function resolve(specifier, context, next) {
  if (!context.parentURL?.startsWith(DIST) || !specifier.startsWith('.') || specifier.endsWith('.js')) {
    return next(specifier, context);
  }
  try {
    return { ...(await next(specifier + '.js', context)), format: 'module' };
  } catch {
    return { ...(await next(specifier + '/index.js', context)), format: 'module' };
  }
}`;
}
