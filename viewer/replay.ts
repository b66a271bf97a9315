/**
 * writeReplayHtml: one self-contained HTML file that plays recorded takes in any browser, offline: the
 * built client's script and stylesheet are inlined and the recording is embedded as JSON (see
 * replay-format.ts). Written atomically (temp file, then rename).
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { readClientBundle } from './client-bundle.js';
import { encodeReplay, REPLAY_ELEMENT_ID } from './replay-format.js';
import type { SceneInfo, Take } from './source.js';
import { checkTake } from './take-frames.js';

/** Options of {@link writeReplayHtml}. */
export interface ReplayOptions {
  /** Folder of the built client (default: dist/viewer-client). */
  clientDir?: string;
}

/**
 * Write the replay page of `takes` (at least one, each fitting `scene`) to `file`.
 * Throws when a take does not fit the scene or the client bundle is missing (run `npm run build`).
 */
export async function writeReplayHtml(file: string, scene: SceneInfo, takes: Take[], options: ReplayOptions = {}): Promise<void> {
  if (takes.length === 0) throw new Error('writeReplayHtml: no takes to write; record at least one.');
  takes.forEach((take) => checkTake(take, scene));
  const bundle = await readClientBundle(options.clientDir);
  const html = inlineBundle(bundle, encodeReplay(scene, takes));
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, html, 'utf8');
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** The client's index.html with its script and stylesheet inlined and the recording embedded. */
function inlineBundle(bundle: { html: string; js: string; css: string }, recording: string): string {
  const script = /<script\b[^>]*\bsrc="[^"]*viewer\.js"[^>]*><\/script>/;
  const stylesheet = /<link\b[^>]*\bhref="[^"]*viewer\.css"[^>]*>/;
  if (!script.test(bundle.html) || !stylesheet.test(bundle.html)) throw new Error('viewer client index.html does not reference viewer.js and viewer.css: rebuild with npm run build');
  const data = `<script type="application/json" id="${REPLAY_ELEMENT_ID}">${recording.replace(/</g, '\\u003c')}</script>`;
  return bundle.html
    .replace(stylesheet, () => `<style>${bundle.css.replace(/<\/style/gi, '<\\/style')}</style>`)
    .replace(script, () => `${data}\n<script type="module">${bundle.js.replace(/<\/script/gi, '<\\/script')}</script>`);
}
