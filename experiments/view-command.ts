/**
 * `metarl view [run|checkpoint] [--env id]` serves the live viewer for a trained agent (or a random policy on
 * an env) until Ctrl-C; `metarl replay <run> --out file.html` records takes into one self-contained HTML file.
 * When the run has been evaluated (`metarl eval`), the chart shows its eval.json curves: the agent's and the
 * baselines'.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { initBackend } from '../agents/backend.js';
import type { MetaLearner } from '../agents/meta/types.js';
import { checkAccessToken, normalizeAllowedOrigin } from '../viewer/access.js';
import { startViewerServer, writeReplayHtml, type ReferenceCurve, type Take, type TakeSource, type ViewerServer } from '../viewer/index.js';
import { loadCheckpoint } from './checkpoint.js';
import { loadConfigModules } from './config-file.js';
import { createLearner, envOptions } from './learners.js';
import { readEvalResult } from './plot-eval-file.js';
import { learnerTakeSource, randomTakeSource } from './take-source.js';
import { loadUserModules } from './user-modules.js';

/** What to show and where. */
export interface ViewOptions {
  /** Env id, for a random policy when no run is given (or to check the run's env). */
  env?: string;
  port?: number;
  /** Interface to listen on (default 127.0.0.1); any other address makes the viewer require an access token. */
  host?: string;
  /** Extra origins whose pages may open the viewer's WebSocket (`--allow-origin`, repeatable; `*`: any). */
  allowOrigin?: string[];
  /** Access token (`--token`; default: a random one off loopback, none on loopback). */
  token?: string;
  /** MAML family: inner steps shown side by side. */
  steps?: number;
  /** Open the page in the default browser (xdg-open / open). */
  open?: boolean;
  /** Modules that register the env (`--module`, for --env); a run loads the modules its config lists. */
  module?: string[];
}

/** A take source for `path` (a run or checkpoint) or, without one, a random policy on `env`. */
export async function openSource(path: string | undefined, opts: ViewOptions, log: (line: string) => void): Promise<{ source: TakeSource; learner?: MetaLearner }> {
  await loadUserModules(opts.module ?? []);
  if (!path) {
    if (!opts.env) throw new Error('give a run directory or checkpoint to watch an agent, or --env <id> to watch a random policy.');
    return { source: await randomTakeSource({ envId: opts.env }) };
  }
  const { checkpoint, file } = loadCheckpoint(path);
  const config = checkpoint.config;
  if (opts.env && opts.env !== config.env) throw new Error(`--env ${opts.env} does not match the run's env ${config.env}; leave --env out.`);
  await loadConfigModules(config.modules);
  await initBackend(config.backend, log);
  const learner = await createLearner(config);
  learner.setState(checkpoint.learner);
  const source = await learnerTakeSource(learner, { envId: config.env, envOptions: envOptions(config), steps: opts.steps ?? Math.min(config.eval.steps, 3) });
  return { source: withReferenceCurves(source, await evalReferenceCurves(file, config.env, log)), learner };
}

/**
 * The curves of the evaluation `metarl eval` wrote for checkpoint `checkpointFile` (eval.json in its run
 * directory, above checkpoints/, else beside it) that have a finite mean at every point; none when there is no
 * such file. A file that cannot be used (unreadable, another env) is logged and passed over.
 */
export async function evalReferenceCurves(checkpointFile: string, envId: string, log: (line: string) => void): Promise<ReferenceCurve[]> {
  const dir = dirname(resolve(checkpointFile));
  const file = join(basename(dir) === 'checkpoints' ? dirname(dir) : dir, 'eval.json');
  if (!existsSync(file)) return [];
  try {
    const result = await readEvalResult(file);
    if (result.envId !== envId) throw new Error(`it evaluates ${result.envId}, not ${envId}`);
    const curves = Object.entries(result.curves).filter(([, c]) => c.mean.length > 0 && c.mean.every(Number.isFinite));
    log(`metarl: the chart shows the curves of ${file} (iteration ${result.iteration}): ${curves.map(([name]) => name).join(', ')}`);
    return curves.map(([name, c]) => ({ name, label: c.label, mean: c.mean }));
  } catch (e) {
    log(`metarl: the chart shows no evaluation curves: ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
}

/** `source` with `curves` in its scene (`source` itself when there are none). */
function withReferenceCurves(source: TakeSource, curves: ReferenceCurve[]): TakeSource {
  if (curves.length === 0) return source;
  return { scene: { ...source.scene, referenceCurves: curves }, record: (task, seed) => source.record(task, seed), close: () => source.close() };
}

/** Serve the viewer until `stop` resolves (Ctrl-C in the CLI); @returns the URL it served. */
export async function viewCommand(path: string | undefined, opts: ViewOptions, log: (line: string) => void, stop: Promise<void>): Promise<string> {
  opts.allowOrigin?.forEach(normalizeAllowedOrigin); // fail before loading the agent
  if (opts.token !== undefined) checkAccessToken(opts.token);
  const { source, learner } = await openSource(path, opts, log);
  let server: ViewerServer;
  try {
    server = await startViewerServer({ source, port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1', allowOrigins: opts.allowOrigin, token: opts.token, log });
  } catch (e) {
    source.close();
    learner?.dispose();
    throw e;
  }
  log(`metarl: viewer at ${server.url} (Ctrl-C to stop)`);
  for (const url of otherInterfaceUrls(opts.host ?? '127.0.0.1', server)) log(`metarl:   also at ${url}`);
  if (server.token) log('metarl: the viewer requires the token in that URL (anyone with it can watch and control the viewer)');
  if (opts.open) openBrowser(server.url, log);
  try {
    await stop;
  } finally {
    await server.close();
    learner?.dispose();
  }
  return server.url;
}

/** Record `takes` takes of `path`'s agent (seeds 0..takes-1) into one self-contained HTML file. */
export async function replayCommand(path: string, opts: ViewOptions & { out: string; takes: number }, log: (line: string) => void): Promise<string> {
  const { source, learner } = await openSource(path, opts, log);
  try {
    const takes: Take[] = [];
    for (let seed = 0; seed < opts.takes; seed++) takes.push(await source.record(undefined, seed));
    await writeReplayHtml(opts.out, source.scene, takes);
    return opts.out;
  } finally {
    source.close();
    learner?.dispose();
  }
}

/** After a bind to all interfaces, the page's URL on each of this machine's external IPv4 addresses. */
function otherInterfaceUrls(host: string, server: ViewerServer): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [];
  const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const query = server.token ? `?token=${server.token}` : '';
  return addresses.filter((a) => a.family === 'IPv4' && !a.internal).map((a) => `http://${a.address}:${server.port}/${query}`);
}

function openBrowser(url: string, log: (line: string) => void): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => log(`metarl: could not start ${command}; open ${url} in a browser`));
  child.unref();
}
