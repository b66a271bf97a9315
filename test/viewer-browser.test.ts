/**
 * The built viewer page in Debian's Chromium (playwright-core, headless, software WebGL): it connects,
 * draws the robots, markers and trails, frames every lane (lane labels clear of the panels, at two window
 * sizes), charts the evaluation's curves, shows what the server streams, sends task edits (goal drag,
 * velocity slider) that reach the take source, shows the "server gone" banner and reconnects, and an
 * offline replay page plays without any network, keeping cheetahs that run far apart in view.
 * Screenshots go to test-output/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { clientBundleDir } from '../viewer/client-bundle.js';
import type {} from '../viewer/client/src/test-hooks.js'; // the type of window.__metarl
import { writeReplayHtml } from '../viewer/replay.js';
import { startViewerServer, type ViewerServer } from '../viewer/server.js';
import type { ReferenceCurve } from '../viewer/source.js';
import { drifted, envSource, TestClient, waitUntil, type RecordingSource } from './viewer-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = resolve('test-output');
/** Small enough for software WebGL to draw several frames a second. */
const VIEWPORT = { width: 960, height: 540 };
/** A common laptop window, where the layout is checked too. */
const LARGE_VIEWPORT = { width: 1280, height: 720 };
/** An evaluation's curves (as eval.json gives them): the agent's, and baselines with a curve or a single level. */
const REFERENCE_CURVES: ReferenceCurve[] = [
  { name: 'agent', label: 'MAML-TRPO', mean: [-40, -25, -18] },
  { name: 'random', label: 'random', mean: [-60, -61, -60] },
  { name: 'multitask', label: 'multi-task + fine-tune', mean: [-45, -38, -33] },
  { name: 'oracle', label: 'oracle (task observed)', mean: [-8] },
];

let browser: Browser;

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: the viewer browser tests need Debian's chromium package. Install it with \`sudo apt-get install -y chromium\` (CI does this in .ci/run).`);
  if (!existsSync(join(clientBundleDir(), 'index.html'))) throw new Error(`the viewer client is not built (${clientBundleDir()}): run npm run build`);
  await mkdir(OUTPUT, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close();
});

/** A page with its errors collected (an uncaught page error fails the test that reads it). */
async function openPage(url: string): Promise<{ page: Page; pageErrors: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  return { page, pageErrors };
}

/** Wait until the page has received more than `frames` pose frames. */
async function framesAbove(page: Page, frames: number, timeout = 20_000): Promise<void> {
  await page.waitForFunction((n) => (window.__metarl?.framesReceived ?? 0) > n, frames, { timeout });
}

/**
 * Share of strongly coloured pixels in the 3D canvas: robots, goal flags and arrows are saturated, the
 * ground, grid and sky are grey-blue.
 */
function colouredShare(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#view canvas');
    if (!canvas) return 0;
    const copy = document.createElement('canvas');
    [copy.width, copy.height] = [canvas.width, canvas.height];
    const ctx = copy.getContext('2d');
    if (!ctx) return 0;
    ctx.drawImage(canvas, 0, 0);
    const pixels = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let coloured = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
    }
    return coloured / (pixels.length / 4);
  });
}

/** Wait until every lane's trail has more than `points` points. */
async function trailsAbove(page: Page, points: number): Promise<void> {
  await page.waitForFunction((n) => (window.__metarl?.trailPoints ?? []).every((p) => p > n), points, { timeout: 20_000 });
}

/** A rectangle on the page (CSS pixels). */
interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function overlap(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function within(p: { x: number; y: number }, box: Box): boolean {
  return p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom;
}

/**
 * What the layout hides, as sentences (none: all is well): a lane label over a panel, over another label or
 * outside the 3D view; a lane's robot or origin outside the 3D view.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  // No named helpers in here: the test's TypeScript transform would wrap them in a function the page lacks.
  const { view, panels, labels, lanes } = await page.evaluate(() => ({
    view: (document.querySelector('#view') ?? document.body).getBoundingClientRect().toJSON() as Box,
    panels: [...document.querySelectorAll('.panel')].map((panel) => ({ id: panel.id, rect: panel.getBoundingClientRect().toJSON() as Box })),
    labels: [...document.querySelectorAll('.lane-label')].map((label) => label.getBoundingClientRect().toJSON() as Box),
    lanes: window.__metarl?.lanePositions() ?? [],
  }));
  const problems: string[] = labels.length === 0 ? ['no lane labels'] : [];
  labels.forEach((rect, lane) => {
    for (const panel of panels) if (overlap(rect, panel.rect)) problems.push(`lane ${lane}'s label is under #${panel.id}`);
    labels.forEach((other, k) => k > lane && overlap(rect, other) && problems.push(`lane ${lane}'s label covers lane ${k}'s`));
    if (rect.left < view.left || rect.right > view.right || rect.top < view.top || rect.bottom > view.bottom) problems.push(`lane ${lane}'s label leaves the view`);
  });
  lanes.forEach(({ origin, root }, lane) => {
    if (!within(root, view)) problems.push(`lane ${lane}'s robot is out of view`);
    if (!within(origin, view)) problems.push(`lane ${lane}'s origin is out of view`);
  });
  return problems;
}

/** Resize the page to `size`, let it draw a few frames there, and check the layout. */
async function layoutProblemsAt(page: Page, size: { width: number; height: number }): Promise<string[]> {
  await page.setViewportSize(size);
  const rendered = await page.evaluate(() => window.__metarl?.framesRendered ?? 0);
  await page.waitForFunction((n) => (window.__metarl?.framesRendered ?? 0) > n + 2, rendered);
  return layoutProblems(page);
}

/** The task of take `take` as the server announced it to a node-side client. */
function taskOfTake(client: TestClient, take: number): unknown {
  return client.ofType('take').find((m) => m.take === take)?.task;
}

/** The first record() call for a user task (not a held-out one). */
function userTask(source: RecordingSource): unknown {
  return source.calls.find((c) => c.task !== undefined)?.task;
}

test('live: the page connects, draws robots, goal flags and trails, frames the lanes, charts the evaluation, and the HUD shows what the server streams', async () => {
  const source = await envSource('PointNav-v0', { lanes: 3, steps: 60, algorithm: 'maml-trpo', referenceCurves: REFERENCE_CURVES });
  const server = await startViewerServer({ source });
  const watcher = await TestClient.connect(server.url);
  const { page, pageErrors } = await openPage(server.url);
  try {
    await framesAbove(page, 10);
    const hud = await page.evaluate(() => window.__metarl?.hud);
    assert.ok(hud);
    assert.equal(await page.textContent('#hud-env'), 'PointNav-v0');
    assert.equal(await page.textContent('#hud-algorithm'), 'algorithm: maml-trpo');
    const task = taskOfTake(watcher, hud.take) as { goal: [number, number] };
    assert.equal(await page.textContent('#hud-task'), `task: goal (${task.goal[0].toFixed(2)}, ${task.goal[1].toFixed(2)}) m`);
    assert.match((await page.textContent('#hud-connection')) ?? '', /live: connected/);
    assert.match((await page.textContent('#hud-lanes')) ?? '', /before adaptation: .*\nafter 1 step: .*\nafter 2 steps: /);
    assert.ok((await colouredShare(page)) > 0.002, 'robots and markers are drawn');
    assert.deepEqual(await page.evaluate(() => window.__metarl?.chartReferences), ['agent', 'random', 'multitask', 'oracle']);
    await trailsAbove(page, 5);
    assert.deepEqual(await layoutProblems(page), []);
    await page.screenshot({ path: join(OUTPUT, 'viewer-live-pointnav.png') });
    assert.deepEqual(await layoutProblemsAt(page, LARGE_VIEWPORT), []);
    await page.screenshot({ path: join(OUTPUT, 'viewer-live-pointnav-1280x720.png') });
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
    watcher.close();
    await server.close();
  }
});

test('live: dragging a goal flag sends setTask, the source records that goal and the page shows it', async () => {
  const source = await envSource('PointNav-v0', { lanes: 3, steps: 60 });
  const server = await startViewerServer({ source });
  const { page, pageErrors } = await openPage(server.url);
  try {
    await framesAbove(page, 3);
    await page.selectOption('#follow', 'free');
    await page.click('#pause');
    await page.waitForFunction(() => window.__metarl?.hud.paused === true);
    const start = await page.evaluate(() => window.__metarl?.goalScreenPosition(1));
    assert.ok(start, 'lane 1 has a goal flag on screen');
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 60, start.y + 40, { steps: 6 });
    await page.mouse.up();
    await waitUntil('the dragged goal at the source', () => userTask(source) !== undefined, 10_000);
    const sent = await page.evaluate(() => window.__metarl?.lastTaskSent);
    assert.deepEqual(userTask(source), sent);
    const goal = (sent as { goal: [number, number] }).goal;
    await page.waitForFunction((text) => document.querySelector('#hud-task')?.textContent === text, `task: goal (${goal[0].toFixed(2)}, ${goal[1].toFixed(2)}) m`, { timeout: 10_000 });
    await page.screenshot({ path: join(OUTPUT, 'viewer-goal-dragged.png') });
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test('live: the target-velocity slider sends setTask and the source records it', async () => {
  const source = await envSource('CheetahVel-v0', { lanes: 3, steps: 80 });
  const server = await startViewerServer({ source });
  const { page, pageErrors } = await openPage(server.url);
  try {
    await framesAbove(page, 3);
    await page.locator('#velocity-slider input').fill('1.5');
    await waitUntil('the edited velocity at the source', () => userTask(source) !== undefined, 10_000);
    assert.deepEqual(userTask(source), { targetVelocity: 1.5 });
    await page.waitForFunction(() => document.querySelector('#hud-task')?.textContent === 'task: target velocity 1.50 m/s', undefined, { timeout: 10_000 });
    await framesAbove(page, 20);
    await page.screenshot({ path: join(OUTPUT, 'viewer-live-cheetah.png') });
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test('live: when the server goes away the banner says so, and the page reconnects when it is back', async () => {
  const source = await envSource('HopperParams-v0', { lanes: 2, steps: 40 });
  const first = await startViewerServer({ source });
  const { page, pageErrors } = await openPage(first.url);
  let second: ViewerServer | undefined;
  try {
    await framesAbove(page, 3);
    await first.close();
    await page.waitForSelector('#banner.visible', { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__metarl?.connection), 'reconnecting');
    await page.screenshot({ path: join(OUTPUT, 'viewer-reconnecting.png') });
    second = await startViewerServer({ source: await envSource('HopperParams-v0', { lanes: 2, steps: 40 }), port: first.port });
    await page.waitForFunction(() => window.__metarl?.connected === true, undefined, { timeout: 15_000 });
    const received = await page.evaluate(() => window.__metarl?.framesReceived ?? 0);
    await framesAbove(page, received + 5);
    assert.equal(await page.isVisible('#banner'), false);
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
    await second?.close();
  }
});

test('replay: one self-contained HTML file plays its takes offline, without any network request; cheetahs running 3 to 15 m stay in view', async () => {
  const source = await envSource('CheetahDir-v0', { lanes: 3, steps: 60, algorithm: 'maml-trpo', referenceCurves: REFERENCE_CURVES });
  // The first take's lanes are carried along at 1, 3 and 5 m/s: 3, 9 and 15 m in its 3 s.
  const takes = [drifted(await source.record(undefined, 0), [1, 3, 5], source.scene.dt), await source.record({ direction: -1 }, 1)];
  source.close();
  const file = join(OUTPUT, 'viewer-replay-cheetah-dir.html');
  await writeReplayHtml(file, source.scene, takes);
  const page = await browser.newPage({ viewport: VIEWPORT });
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.goto(pathToFileURL(file).href);
    await framesAbove(page, 30);
    assert.equal(await page.evaluate(() => window.__metarl?.mode), 'replay');
    assert.equal(await page.textContent('#hud-env'), 'CheetahDir-v0');
    assert.match((await page.textContent('#hud-connection')) ?? '', /replay/);
    assert.equal(await page.locator('#task-editor').count(), 0, 'no task editor without a server');
    assert.ok((await colouredShare(page)) > 0.002, 'robots and arrows are drawn');
    assert.deepEqual(await page.evaluate(() => window.__metarl?.chartReferences), ['agent', 'random', 'multitask', 'oracle'], 'the recording carries the evaluation');
    // Pause near the end of the first take, lanes far apart: in the page, the moment it gets there (a slow
    // software-rendered page may take longer to answer a click from here than the take has left).
    await page.waitForFunction(
      () => window.__metarl?.hud.take === 1 && window.__metarl.hud.step >= 50 && (document.querySelector<HTMLButtonElement>('#pause')?.click(), true),
      undefined,
      { timeout: 20_000 },
    );
    await page.waitForFunction(() => window.__metarl?.hud.paused === true);
    const trails = await page.evaluate(() => window.__metarl?.trailPoints ?? []);
    assert.ok(Math.min(...trails) > 5, `every lane has a trail (${trails} points)`);
    assert.deepEqual(await layoutProblems(page), []);
    await page.screenshot({ path: join(OUTPUT, 'viewer-replay-cheetah-dir.png') });
    assert.deepEqual(await layoutProblemsAt(page, LARGE_VIEWPORT), []);
    await page.screenshot({ path: join(OUTPUT, 'viewer-replay-cheetah-dir-1280x720.png') });
    assert.deepEqual(requests, [], 'no network requests');
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.close();
  }
});
