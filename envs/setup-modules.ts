/**
 * Setup modules: files that register envs (and learners) at import, loaded into this process by the user
 * (`--module`, a config's `modules`) and imported by every VecEnv worker thread before it looks an env up, so
 * that user-defined envs run on worker threads without further ado. TypeScript files load without a build step
 * through tsx's loader hooks, registered on first need in each thread.
 */
import { extname } from 'node:path';

const loaded: string[] = [];
let typeScriptHooks: Promise<void> | undefined;

/** File extensions that need the TypeScript loader. */
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** Whether the module at `url` (a file: URL or path) is TypeScript. */
export function isTypeScript(url: string): boolean {
  return TYPESCRIPT.has(extname(new URL(url, 'file:///').pathname));
}

/** Register tsx's ESM loader hooks in this thread (once), so that TypeScript files can be imported. */
export function enableTypeScriptModules(): Promise<void> {
  typeScriptHooks ??= import('tsx/esm/api').then((tsx) => void tsx.register());
  return typeScriptHooks;
}

/** Import the module at `url` (a file: URL), with the TypeScript loader first when it is a TypeScript file. */
export async function importSetupModule(url: string): Promise<void> {
  if (isTypeScript(url)) await enableTypeScriptModules();
  await import(url);
}

/** Remember `url` (already imported here) as a module every VecEnv worker thread imports first. */
export function addSetupModule(url: string): void {
  if (!loaded.includes(url)) loaded.push(url);
}

/** The modules VecEnv worker threads import first, in load order. */
export function setupModules(): readonly string[] {
  return loaded;
}
