/**
 * Real parts for the distributed tests: Debian's redis-server on a free loopback port (optionally with a password
 * or TLS from a throwaway CA), and `metarl` processes (workers, trainers) run as users run them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, root } from './cli-helpers.js';

/** Why the distributed tests cannot run here, or undefined when redis-server is installed. */
export function redisMissing(): string | undefined {
  return spawnSync('redis-server', ['--version']).error ? 'redis-server is not installed (Debian package redis-server; .ci/run installs it)' : undefined;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running redis-server: its URL, the environment its clients need (TLS: the CA), and how to stop it. */
export interface TestRedis {
  url: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Start redis-server on a free loopback port (no persistence); `password` and `tls` as asked. */
export async function startRedis(options: { password?: string; tls?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'metarl-redis-'));
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.password) args.push('--requirepass', options.password);
  const env: NodeJS.ProcessEnv = {};
  if (options.tls) {
    const ca = makeCertificates(dir);
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', ca.cert, '--tls-key-file', ca.key, '--tls-ca-cert-file', ca.ca, '--tls-auth-clients', 'no');
    env.NODE_EXTRA_CA_CERTS = ca.ca;
  } else {
    args.push('--port', String(port));
  }
  const server = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForOutput(server, /Ready to accept connections/, 10_000);
  const auth = options.password ? `:${options.password}@` : '';
  return {
    url: `${options.tls ? 'rediss' : 'redis'}://${auth}${options.tls ? 'localhost' : '127.0.0.1'}:${port}`,
    env,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway CA and a localhost certificate it signed (openssl), in `dir`. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const [ca, caKey, key, csr, cert, ext] = ['ca.pem', 'ca.key', 'server.key', 'server.csr', 'server.pem', 'ext.cnf'].map((f) => join(dir, f));
  writeFileSync(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const run = (...args: string[]) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '1', '-subj', '/CN=metarl-test-ca');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=localhost');
  run('x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '1', '-extfile', ext);
  return { ca, cert, key };
}

/** A `metarl` child process and everything it has written to stderr so far. */
export interface MetarlProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once it exits. */
  exited: Promise<number | string>;
}

/** Start `metarl ...args` (from source) with `env` added to this process's environment. */
export function startMetarl(args: readonly string[], env: NodeJS.ProcessEnv = {}): MetarlProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, stderr: () => err, exited };
}

/** Start `metarl worker` on `redis` and wait until it takes jobs. */
export async function startWorker(redis: TestRedis, extra: readonly string[] = []): Promise<MetarlProcess> {
  const worker = startMetarl(['worker', '--redis', redis.url, '--threads', '1', '--lock-ms', '1500', ...extra], redis.env);
  await waitFor(() => worker.stderr().includes('taking jobs'), 30_000, () => `the worker did not start:\n${worker.stderr()}`);
  return worker;
}

/** Kill `p` with `signal` and wait for it to exit. */
export async function stopProcess(p: MetarlProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | string> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  return p.exited;
}

/** Poll `condition` every 20 ms until it holds; throws `message()` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, message: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`redis-server exited:\n${out}`)));
  });
}
