/**
 * Who may use the viewer server (viewer/access.ts), with real clients on this machine only: `ws` clients
 * sending chosen Origin headers, plain http requests, and Chromium pages. WebSocket upgrades from foreign
 * origins are refused (cross-site WebSocket hijacking); a server listening off loopback requires its token
 * on every request and upgrade.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { WebSocket, type ClientOptions } from 'ws';
import { clientBundleDir } from '../viewer/client-bundle.js';
import type {} from '../viewer/client/src/test-hooks.js'; // the type of window.__metarl
import { startViewerServer, type ViewerServer, type ViewerServerOptions } from '../viewer/server.js';
import { envSource, syntheticSource, waitUntil } from './viewer-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const EVIL = 'http://evil.example';

async function withServer(options: Partial<ViewerServerOptions>, body: (server: ViewerServer, log: string[]) => Promise<void>): Promise<void> {
  const log: string[] = [];
  const server = await startViewerServer({ source: syntheticSource({ dt: 0.005 }), holdMs: 20, log: (line) => log.push(line), ...options });
  try {
    await body(server, log);
  } finally {
    await server.close();
  }
}

/** Try a WebSocket upgrade: 101 when it opened (then closed again), else the refusal's status and body. */
function upgrade(url: string, options: ClientOptions = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.once('error', reject);
  });
}

/** GET `path` from `host:port` with extra headers. */
function get(host: string, port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('loopback: a foreign Origin is refused with 403 and a log line naming --allow-origin; nothing connects', async () => {
  await withServer({}, async (server, log) => {
    const refused = await upgrade(`ws://127.0.0.1:${server.port}/ws`, { origin: EVIL });
    assert.deepEqual(refused, { status: 403, body: `origin ${EVIL} is not allowed; start the viewer with --allow-origin ${EVIL} to allow it\n` });
    for (const origin of ['null', `http://127.0.0.1:${server.port + 1}`, `https://127.0.0.1:${server.port}`, 'http://localhost.evil.example', 'not a url'])
      assert.equal((await upgrade(`ws://127.0.0.1:${server.port}/ws`, { origin })).status, 403, origin);
    assert.ok(log.some((line) => line.includes(`refused a WebSocket from origin ${EVIL}`) && line.includes(`--allow-origin ${EVIL}`)), log.join('\n'));
    assert.equal(server.stats().clients, 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/`, 'no token on loopback');
    assert.equal((await get('127.0.0.1', server.port, '/missing.js')).status, 404, 'pages need no token on loopback');
  });
});

test('loopback: the own origin (127.0.0.1, localhost, [::1] at the port) and no Origin at all are accepted', async () => {
  await withServer({}, async (server) => {
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`, `http://[::1]:${server.port}`])
      assert.equal((await upgrade(ws, { origin })).status, 101, origin);
    assert.equal((await upgrade(ws)).status, 101, 'non-browser clients send no Origin');
    assert.equal((await upgrade(`ws://localhost:${server.port}/ws`, { origin: `http://localhost:${server.port}` })).status, 101);
  });
});

test('allowOrigins adds exact origins; * turns the check off; bad entries and tokens are rejected before listening', async () => {
  await withServer({ allowOrigins: ['http://localhost:8888', 'https://notebook.example/'] }, async (server) => {
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    assert.equal((await upgrade(ws, { origin: 'http://localhost:8888' })).status, 101);
    assert.equal((await upgrade(ws, { origin: 'https://notebook.example' })).status, 101);
    assert.equal((await upgrade(ws, { origin: 'http://localhost:8889' })).status, 403);
    assert.equal((await upgrade(ws, { origin: EVIL })).status, 403);
  });
  await withServer({ allowOrigins: ['*'] }, async (server) => {
    assert.equal((await upgrade(`ws://127.0.0.1:${server.port}/ws`, { origin: EVIL })).status, 101);
  });
  for (const allowOrigins of [['localhost:8888'], ['http://localhost:8888/path'], ['ftp://x.example']])
    await assert.rejects(startViewerServer({ source: syntheticSource(), allowOrigins }), /--allow-origin takes an origin like/);
  for (const token of ['short', 'has spaces in it, sixteen+', 'ümlaut-token-0123456789'])
    await assert.rejects(startViewerServer({ source: syntheticSource(), token }), /token must be at least 16 characters/);
});

/** Non-loopback binds to test: all interfaces (reached via 127.0.0.1), and this machine's own external IPv4 if it has one. */
const OFF_LOOPBACK: Array<{ bind: string; connect: string }> = [{ bind: '0.0.0.0', connect: '127.0.0.1' }];
const external = Object.values(networkInterfaces()).flatMap((l) => l ?? []).find((a) => a.family === 'IPv4' && !a.internal);
if (external) OFF_LOOPBACK.push({ bind: external.address, connect: external.address });

for (const { bind, connect } of OFF_LOOPBACK) {
  test(`bound to ${bind}: page and socket need the token (query or cookie); none or a wrong one gets 403`, async () => {
    await withServer({ host: bind }, async (server, log) => {
      const { port, token } = server;
      assert.ok(token && /^[A-Za-z0-9_-]{32}$/.test(token), `a random base64url token of 24 bytes: ${token}`);
      assert.equal(server.url, `http://${connect}:${port}/?token=${token}`);
      const cookieName = `metarl-viewer-token-${port}`;
      const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

      for (const path of ['/', '/index.html', '/missing.js', `/?token=${wrong}`, '/?token=', `/?other=${token}`]) {
        const res = await get(connect, port, path);
        assert.equal(res.status, 403, path);
        assert.match(res.body, /requires its access token: open the URL it printed at start/);
        assert.ok(!res.body.includes(token), 'the refusal does not give the token away');
      }
      assert.equal((await get(connect, port, '/', { cookie: `${cookieName}=${wrong}` })).status, 403);
      assert.equal((await get(connect, port, '/', { cookie: `metarl-viewer-token-${port + 1}=${token}` })).status, 403, 'another port\'s cookie');
      const first = await get(connect, port, `/missing.js?token=${token}`);
      assert.equal(first.status, 404, 'a valid token lets the request through to the files');
      assert.deepEqual(first.headers['set-cookie'], [`${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`]);
      assert.equal((await get(connect, port, '/missing.js', { cookie: `a=b; ${cookieName}=${token}` })).status, 404, 'the cookie alone is enough');
      assert.ok(log.some((line) => line.includes('without a valid token')), log.join('\n'));

      const ws = `ws://${connect}:${port}/ws`;
      const own = `http://${connect}:${port}`;
      for (const [url, options] of [[ws, {}], [`${ws}?token=${wrong}`, {}], [ws, { headers: { cookie: `${cookieName}=${wrong}` } }], [`${ws}?token=${wrong}`, { headers: { cookie: `${cookieName}=${token}` } }]] as const) {
        const refused = await upgrade(url, { origin: own, ...options });
        assert.equal(refused.status, 403, `${url} ${JSON.stringify(options)}`);
        assert.match(refused.body, /requires its access token/);
      }
      assert.equal((await upgrade(`${ws}?token=${token}`, { origin: own })).status, 101);
      assert.equal((await upgrade(`${ws}?token=${token}`)).status, 101, 'no Origin (non-browser) with the token');
      assert.equal((await upgrade(ws, { origin: own, headers: { cookie: `${cookieName}=${token}` } })).status, 101);
      assert.equal((await upgrade(`${ws}?token=${token}`, { origin: EVIL })).status, 403, 'the token does not excuse a foreign origin');
      await waitUntil('the accepted sockets closed', () => server.stats().clients === 0);
    });
  });
}

test('an explicit token is required on loopback too and the URL carries it', async () => {
  const token = 'a-fixed-token_0123456789';
  await withServer({ token }, async (server) => {
    assert.deepEqual([server.url, server.token], [`http://127.0.0.1:${server.port}/?token=${token}`, token]);
    assert.equal((await get('127.0.0.1', server.port, '/missing.js')).status, 403);
    assert.equal((await upgrade(`ws://127.0.0.1:${server.port}/ws`)).status, 403);
    assert.equal((await upgrade(`ws://127.0.0.1:${server.port}/ws?token=${token}`)).status, 101);
  });
});

const browserReady = existsSync(CHROMIUM) && existsSync(join(clientBundleDir(), 'index.html'));
const skipBrowser = browserReady ? false : `needs ${CHROMIUM} and the built client (npm run build)`;

test('browser: the page of a token server connects with the token, and again via the cookie; a foreign page cannot', { skip: skipBrowser }, async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const server = await startViewerServer({ source: await envSource('PointNav-v0', { lanes: 2, steps: 40 }), host: '0.0.0.0' });
  const evil = await evilPage(server.port);
  try {
    const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    assert.equal((await page.goto(server.url))?.status(), 200);
    await page.waitForFunction(() => (window.__metarl?.framesReceived ?? 0) > 3, undefined, { timeout: 20_000 });
    assert.equal((await page.goto(`http://127.0.0.1:${server.port}/`))?.status(), 200, 'the cookie set by the first visit');
    await page.waitForFunction(() => (window.__metarl?.framesReceived ?? 0) > 3, undefined, { timeout: 20_000 });
    assert.deepEqual(pageErrors, []);

    await waitUntil('only the viewer page connected', () => server.stats().clients === 1, 10_000);
    const attack = await context.newPage(); // same cookie jar: the browser sends the viewer's cookie along
    await attack.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await attack.waitForFunction(() => (window as unknown as { outcome?: string }).outcome !== undefined, undefined, { timeout: 10_000 });
    assert.equal(await attack.evaluate(() => (window as unknown as { outcome?: string }).outcome), 'closed', 'the foreign page never got a socket');
    assert.equal(server.stats().clients, 1);
  } finally {
    await browser.close();
    await server.close();
    await new Promise((resolve) => evil.close(resolve));
  }
});

/**
 * A page of another origin that tries to open the viewer's socket. It is served by another port of
 * 127.0.0.1, and cookies ignore ports: the browser sends the viewer's token cookie with the upgrade, so the
 * Origin check alone must stop it.
 */
async function evilPage(viewerPort: number): Promise<Server> {
  const html = `<!doctype html><script>
    const ws = new WebSocket('ws://127.0.0.1:${viewerPort}/ws');
    ws.onopen = () => { window.outcome = 'opened'; };
    ws.onclose = () => { window.outcome = window.outcome ?? 'closed'; };
  </script>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
