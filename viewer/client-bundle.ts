/**
 * Where the built browser client lives (`dist/viewer-client/`, written by `npm run build`): found from
 * this module whether it runs from source (`viewer/`) or compiled (`dist/viewer/`).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** File names Vite writes (see viewer/client/vite.config.ts). */
const CLIENT_FILES = { html: 'index.html', js: 'viewer.js', css: 'viewer.css' } as const;

/** The built client's folder; the first candidate holding index.html, else the source-tree default. */
export function clientBundleDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../viewer-client'), resolve(here, '../dist/viewer-client')];
  return candidates.find((dir) => existsSync(join(dir, CLIENT_FILES.html))) ?? candidates[1];
}

/**
 * The built client's page, script and stylesheet as text. Read one after another so a missing bundle is
 * always reported by its first missing file (index.html); the error names the build command.
 */
export async function readClientBundle(dir = clientBundleDir()): Promise<{ html: string; js: string; css: string }> {
  const read = async (name: string): Promise<string> => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch {
      throw new Error(`viewer client bundle is missing ${join(dir, name)}: run npm run build`);
    }
  };
  const html = await read(CLIENT_FILES.html);
  const js = await read(CLIENT_FILES.js);
  const css = await read(CLIENT_FILES.css);
  return { html, js, css };
}
