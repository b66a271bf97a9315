/**
 * writeReplayHtml (viewer/replay.ts): one self-contained page (script, stylesheet and recording inline,
 * nothing loaded from elsewhere), written atomically; bad takes and a missing client bundle are refused
 * with a message. The page playing in a browser is checked in viewer-browser.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeReplay, REPLAY_ELEMENT_ID } from '../viewer/replay-format.js';
import { writeReplayHtml } from '../viewer/replay.js';
import { syntheticSource } from './viewer-fixtures.js';

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'viewer-replay-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the replay page inlines the client and embeds the takes, loading nothing from elsewhere', async () => {
  const source = syntheticSource({ lanes: 2, bodies: 3, steps: 20 });
  const takes = [await source.record(undefined, 0), await source.record({ goal: [0.2, -0.1] }, 1)];
  await withTempDir(async (dir) => {
    const file = join(dir, 'replay.html');
    await writeReplayHtml(file, source.scene, takes);
    assert.deepEqual(await readdir(dir), ['replay.html'], 'no temporary file left behind');
    const html = await readFile(file, 'utf8');
    assert.doesNotMatch(html, /<script[^>]*\bsrc=|<link[^>]*\bhref="(?!data:)/, 'no external script or stylesheet');
    assert.match(html, /<style>[^<]*\S/);
    assert.match(html, /<script type="module">/);
    const embedded = new RegExp(`<script type="application/json" id="${REPLAY_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
    assert.ok(embedded, 'the recording is embedded');
    const decoded = decodeReplay(embedded[1]);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
    assert.deepEqual(decoded.value.takes, takes);
  });
});

test('takes that do not fit the scene, no takes, or a missing client bundle are refused and nothing is written', async () => {
  const source = syntheticSource({ lanes: 2, bodies: 3, steps: 5 });
  const take = await source.record(undefined, 0);
  await withTempDir(async (dir) => {
    const file = join(dir, 'replay.html');
    await assert.rejects(writeReplayHtml(file, source.scene, [{ ...take, lanes: take.lanes.slice(1) }]), /take has 1 lanes, the scene has 2/);
    await assert.rejects(writeReplayHtml(file, source.scene, []), /no takes to write/);
    await assert.rejects(writeReplayHtml(file, source.scene, [take], { clientDir: dir }), /viewer client bundle is missing .*index\.html: run npm run build/);
    assert.equal(existsSync(file), false);
  });
});
