/**
 * Meta-training runs end to end through the CLI (files written, eval and plots), kill-and-resume and Ctrl-C
 * giving the same later metrics as an uninterrupted run, the NaN guard, and the CLI's bad-input messages.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readMetrics } from '../experiments/metrics-log.js';
import type { EvalResult, IterationRecord } from '../experiments/results.js';
import { assertUserError, cliPath, metarl, root } from './cli-helpers.js';

const TINY = {
  env: 'PointNav-v0',
  horizon: 20,
  algorithm: { name: 'maml', hidden: [8], episodesPerTask: 3 },
  metaBatchSize: 3,
  iterations: 2,
  eval: { tasks: 2, seeds: 2, steps: 1, baselineIterations: 1 },
};

const work = mkdtempSync(join(tmpdir(), 'metarl-train-'));

/** A config file with `TINY` plus `overrides`. */
function configFile(name: string, overrides: Record<string, unknown> = {}): string {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...TINY, ...overrides }));
  return file;
}

/** Records without their wall-clock fields (the only fields allowed to differ between runs). */
function deterministic(records: IterationRecord[]): unknown[] {
  return records.map(({ timings: _t, wallSeconds: _w, ...rest }) => rest);
}

/** Start `metarl ...args` in the background. */
function startMetarl(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** Resolve when `file` exists (polling), or fail after `timeoutMs`. */
async function waitFor(file: string, timeoutMs = 90_000): Promise<void> {
  const start = Date.now();
  while (!existsSync(file)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('metarl train / eval / plot', () => {
  const run = join(work, 'run');

  it('trains 2 iterations and writes config, env card, metrics and checkpoints', () => {
    const r = metarl('train', configFile('tiny'), '--out', run);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /metarl: TF\.js backend \w+/);
    assert.match(r.stderr, /iter 2\/2 .*pre -?\d/);
    for (const f of ['config.json', 'env-card.json', 'metrics.jsonl', 'metrics.csv']) assert.ok(existsSync(join(run, f)), f);
    const records = readMetrics(join(run, 'metrics.jsonl'));
    assert.deepEqual(records.map((r) => r.iteration), [1, 2]);
    assert.ok(records.every((r) => Number.isFinite(r.preReturn) && r.envSteps === 3 * 3 * 20 * 2));
    assert.equal(records[1].totalEnvSteps, 2 * records[0].envSteps);
    const csv = readFileSync(join(run, 'metrics.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[0], /^iteration,pre_return,post_return,kl,env_steps,total_env_steps,.*loss_outerAfter$/);
    assert.deepEqual(readdirSync(join(run, 'checkpoints')), ['ckpt-000001.json', 'ckpt-000002.json']);
    assert.equal(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).algorithm.hidden[0], 8);
    assert.match(JSON.parse(readFileSync(join(run, 'env-card.json'), 'utf8')).hash, /^[0-9a-f]{16}$/);
  });

  it('evaluates on held-out tasks against the three baselines and embeds provenance', () => {
    const r = metarl('eval', run, '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as EvalResult;
    assert.deepEqual(JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8')), result);
    assert.deepEqual(Object.keys(result.curves), ['agent', 'random', 'multitask', 'oracle']);
    assert.equal(result.protocol.axis, 'inner steps');
    assert.equal(result.protocol.points, 2);
    assert.deepEqual(result.protocol.seeds, [0, 1]);
    assert.equal(result.protocol.tasks.length, 2);
    for (const c of Object.values(result.curves)) {
      assert.equal(c.perSeed.length, 2);
      assert.ok(c.ci95.every((x) => x >= 0));
      assert.ok(c.successRate, 'PointNav defines success');
    }
    assert.equal(result.curves.oracle.mean.length, 1, 'the oracle is not fine-tuned');
    assert.equal(result.envCardHash, JSON.parse(readFileSync(join(run, 'env-card.json'), 'utf8')).hash);
    assert.equal(result.config && (result.config as { env: string }).env, 'PointNav-v0');
    assert.equal(result.versions['@tensorflow/tfjs-core'], '4.22.0');
    assert.match(result.backend, /^(wasm|cpu|tensorflow)$/);
    assert.ok(existsSync(join(run, 'baselines', 'multitask')), 'the pretrained baseline is cached');
    const config = result.config as { iterations: number; eval: { baselineIterations?: number } };
    assert.equal(result.protocol.baselineIterations, config.eval.baselineIterations ?? config.iterations);
    const copy = `${run}-copy`;
    cpSync(run, copy, { recursive: true });
    const shorter = metarl('eval', copy, '--json', '--baselines', 'multitask', '--baseline-iterations', '2', '--seeds', '1');
    assert.equal(shorter.status, 0, shorter.stderr);
    assert.equal((JSON.parse(shorter.stdout) as EvalResult).protocol.baselineIterations, 2);
    assert.match(shorter.stderr, /training the multitask baseline for 2 iterations/);
  });

  it("initPolicy starts an LSTM optimizer at the MAML run's θ; frozen there, its sgd-same-init control is MAML's own curve", () => {
    const frozen = join(work, 'frozen');
    const algorithm = { name: 'lstm-optimizer', hidden: [8], episodesPerTask: 3, lstmHidden: 4, freezePolicy: true };
    const r = metarl('train', configFile('frozen', { initPolicy: run, algorithm }), '--out', frozen);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /policy θ initialised from .*ckpt-000002\.json \(maml-trpo, iteration 2\)/);
    const policy = (dir: string) => JSON.parse(readFileSync(join(dir, 'checkpoints', 'ckpt-000002.json'), 'utf8')).learner.params.policy;
    assert.deepEqual(policy(frozen), policy(run), 'θ stays the MAML run\'s');
    const e = metarl('eval', frozen, '--json', '--baselines', 'sgd-same-init');
    assert.equal(e.status, 0, e.stderr);
    const curves = (JSON.parse(e.stdout) as EvalResult).curves;
    assert.deepEqual(Object.keys(curves), ['agent', 'sgd-same-init']);
    assert.match(curves['sgd-same-init'].label, /same θ \+ SGD \(α = 0\.1\)/);
    const maml = JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8')) as EvalResult;
    assert.deepEqual(curves['sgd-same-init'].perSeed, maml.curves.agent.perSeed, 'plain SGD from the same θ is MAML\'s own adaptation');
    const skipped = metarl('eval', `${run}-copy`, '--json', '--baselines', 'sgd-same-init', '--seeds', '1');
    assert.equal(skipped.status, 0, skipped.stderr);
    assert.match(skipped.stderr, /'sgd-same-init' needs a learner with a learned inner rule .*; maml-trpo has none \(skipped\)/);
    assertUserError(metarl('train', configFile('nowhere', { initPolicy: join(work, 'nowhere'), algorithm }), '--out', join(work, 'nowhere-run')), 'initPolicy', 'does not exist');
    assertUserError(metarl('train', configFile('sizes', { initPolicy: run, algorithm: { ...algorithm, hidden: [16] } }), '--out', join(work, 'sizes-run')), 'initPolicy', 'must match algorithm.hidden');
  });

  it('plots the learning and adaptation curves as SVG', () => {
    const r = metarl('plot', run);
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['learning-curve.svg', 'adaptation-curve.svg', 'success-rate.svg']) {
      const svg = readFileSync(join(run, 'plots', f), 'utf8');
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
    assert.match(readFileSync(join(run, 'plots', 'adaptation-curve.svg'), 'utf8'), /oracle/);
  });

  it('--view serves the live viewer of the run while it trains, and closes it at the end', async () => {
    const p = startMetarl('train', configFile('view', { iterations: 30 }), '--out', join(work, 'viewed'), '--view', '0');
    const url = await new Promise<string>((resolve) => {
      const poll = setInterval(() => {
        const m = /live viewer of the training run at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(p.stderr());
        if (!m) return;
        clearInterval(poll);
        resolve(m[1]);
      }, 50);
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<!doctype html>/i);
    assert.equal(await p.exited, 0, p.stderr());
    await assert.rejects(fetch(url), 'the server is closed when training ends');
  });

  it('refuses an existing output directory unless --force', () => {
    assertUserError(metarl('train', configFile('tiny'), '--out', run), 'already exists', '--resume', '--force');
    const again = metarl('train', configFile('tiny', { iterations: 1 }), '--out', run, '--force');
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readMetrics(join(run, 'metrics.jsonl')).length, 1);
  });
});

describe('resuming', () => {
  const config = configFile('resume', { iterations: 5 });
  let reference: IterationRecord[] = [];

  it('an uninterrupted run gives the reference metrics', () => {
    const r = metarl('train', config, '--out', join(work, 'reference'));
    assert.equal(r.status, 0, r.stderr);
    reference = readMetrics(join(work, 'reference', 'metrics.jsonl'));
    assert.equal(reference.length, 5);
  });

  it('after SIGKILL at an arbitrary point, --resume reproduces the later metrics exactly', async () => {
    const out = join(work, 'killed');
    const p = startMetarl('train', config, '--out', out);
    await waitFor(join(out, 'checkpoints', 'ckpt-000002.json'));
    p.child.kill('SIGKILL');
    await p.exited;
    const r = metarl('train', '--resume', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /resuming .* \(iteration [2-5]\)/);
    assert.deepEqual(deterministic(readMetrics(join(out, 'metrics.jsonl'))), deterministic(reference));
  });

  it('Ctrl-C writes a checkpoint, exits 130, and the run resumes to the same metrics', async () => {
    const out = join(work, 'interrupted');
    const p = startMetarl('train', configFile('sigint', { iterations: 5, checkpointEvery: 100 }), '--out', out);
    await waitFor(join(out, 'metrics.jsonl'));
    p.child.kill('SIGINT');
    assert.equal(await p.exited, 130, p.stderr());
    assert.match(p.stderr(), /stopping after the current iteration/);
    assert.match(p.stderr(), /continue with: metarl train --resume/);
    const saved = readdirSync(join(out, 'checkpoints'));
    assert.equal(saved.length, 1, 'a checkpoint although checkpointEvery is 100');
    const r = metarl('train', '--resume', out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(deterministic(readMetrics(join(out, 'metrics.jsonl'))), deterministic(reference));
  });

  it('refuses to change the experiment on resume, but may extend it', () => {
    const out = join(work, 'reference');
    assertUserError(metarl('train', '--resume', out, '--set', 'algorithm.innerLr=0.5'), "'algorithm' cannot change on resume");
    const r = metarl('train', '--resume', out, '--set', 'iterations=6');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readMetrics(join(out, 'metrics.jsonl')).length, 6);
  });
});

describe('CLI bad input', () => {
  it('gives one clear line and a non-zero exit for each mistake', () => {
    assertUserError(metarl('train', 'no-such-preset'), "no config file or preset named 'no-such-preset'", 'pointnav-maml');
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{ "env": "PointNav-v0", ');
    assertUserError(metarl('train', bad), 'is not valid JSON');
    assertUserError(metarl('train', configFile('typo', { iteration: 3 })), "'iteration'", 'allowed keys');
    assertUserError(metarl('train', 'pointnav-maml', '--set', 'algorithm.innerLr=-1'), 'algorithm.innerLr');
    assertUserError(metarl('train', 'pointnav-maml', '--resume', work), 'either a config or --resume');
    assertUserError(metarl('train', '--resume', join(work, 'nowhere')), 'no config.json');
    assertUserError(metarl('eval', join(work, 'nowhere')), 'does not exist');
    assertUserError(metarl('plot', work), 'metarl train');
    assertUserError(metarl('eval', join(work, 'x'), '--baselines', 'random,magic'), "unknown baseline 'magic'");
  });

  it('prints the stack trace only with --verbose', () => {
    const r = metarl('train', 'no-such-preset', '--verbose');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /\n\s+at /);
  });
});
