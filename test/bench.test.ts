/**
 * `metarl bench --quick` (bench/suite.ts, bench/bench-table.ts, experiments/bench-command.ts): one real quick run
 * through the CLI, then the structure and sanity of its JSON report and table. Speed is never asserted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBenchReport } from '../bench/bench-table.js';
import type { Rate } from '../bench/measure.js';
import { computeRatios, mujocoRow, type BenchReport } from '../bench/suite.js';
import { defaultBenchPath } from '../experiments/bench-command.js';
import { assertUserError, metarl, metarlWithin } from './cli-helpers.js';

const ROW_IDS = ['rawPhysics', 'singleEnv', 'vecEnv', 'workerVecEnv', 'sampling', 'mujoco'];

function assertRate(r: Rate, what: string): void {
  for (const x of [r.median, r.min, r.max, ...r.runs]) assert.ok(Number.isFinite(x) && x > 0, `${what}: ${JSON.stringify(r)}`);
  assert.ok(r.min <= r.median && r.median <= r.max, `${what}: median outside [min, max]: ${JSON.stringify(r)}`);
}

function close(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

describe('metarl bench --quick', () => {
  let dir: string;
  let file: string;
  let run: ReturnType<typeof metarl>;
  let report: BenchReport;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'metarl-bench-'));
    file = join(dir, 'report.json');
    run = metarlWithin(300_000, 'bench', '--quick', '--json', file); // ~1.5 min on 2 idle cores
    assert.equal(run.status, 0, run.stderr);
    report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints progress to stderr, the table to stdout, and names the JSON file', () => {
    assert.match(run.stderr, /^bench: /m);
    assert.ok(run.stderr.includes(`wrote ${file}`), run.stderr);
    assert.ok(run.stdout.startsWith('metarl bench --quick: CheetahVel-v0'), run.stdout);
  });

  it('records the machine, the versions and the settings', () => {
    assert.equal(report.kind, 'metarl-bench');
    assert.equal(report.settings.quick, true);
    assert.ok(report.machine.cores >= 1 && report.settings.workers >= 2);
    assert.equal(report.machine.tfBackend, 'wasm');
    assert.match(report.machine.versions['@dimforge/rapier3d-simd-compat'], /^\d+\.\d+/);
    assert.match(report.machine.mujoco ?? '', /\d+\.\d+/);
    assert.match(report.physics.engine, /rapier/);
    assert.ok(report.durationS > 0 && !Number.isNaN(Date.parse(report.createdAt)));
  });

  it('every rate row is finite and > 0 with its median within [min, max] and the planned number of runs', () => {
    assert.deepEqual(report.rows.map((r) => r.id), ROW_IDS);
    for (const row of report.rows) {
      assert.ok(row.rate, `${row.id} has no rate`);
      assertRate(row.rate, row.id);
      assert.equal(row.rate.runs.length, report.settings.rates.repeats);
    }
  });

  it('the ratios are the quotients of the medians; policy overhead is the median of the paired runs\' quotients', () => {
    const median = (id: string) => report.rows.find((r) => r.id === id)!.rate!.median;
    for (const row of report.rows) close(row.vsMujoco, median(row.id) / median('mujoco'), `${row.id} vs mujoco`);
    close(report.ratios.samplingVsMujoco, median('sampling') / median('mujoco'), 'sampling / mujoco');
    const runs = (id: string) => report.rows.find((r) => r.id === id)!.rate!.runs;
    const quotients = runs('sampling').map((x, i) => x / runs('workerVecEnv')[i]).sort((a, b) => a - b);
    const middle = quotients.length / 2;
    close(report.ratios.policyOverhead, quotients.length % 2 ? quotients[Math.floor(middle)] : (quotients[middle - 1] + quotients[middle]) / 2, 'policy overhead');
    close(report.ratios.workerScaling, median('workerVecEnv') / median('vecEnv'), 'worker scaling');
    const [all, one, rl2, rl2PointNav] = report.learners;
    close(report.ratios.learnerScaling, one.phasesMs.total.median / all.phasesMs.total.median, 'learner scaling');
    const work = (l: typeof all) => l.phasesMs.inner.median + l.phasesMs.outer.median;
    close(report.ratios.learnerWorkScaling, work(one) / work(all), 'learner work scaling');
    close(report.ratios.trainingVsSampling, all.phasesMs.sampling.median / all.phasesMs.total.median, 'MAML training vs sampling');
    close(report.ratios.rl2TrainingVsSampling, rl2.phasesMs.sampling.median / rl2.phasesMs.total.median, 'RL2 training vs sampling');
    close(report.ratios.rl2PointNavTrainingVsSampling, rl2PointNav.phasesMs.sampling.median / rl2PointNav.phasesMs.total.median, 'RL2 on PointNav training vs sampling');
    const shares = [report.ratios.trainingVsSampling, report.ratios.rl2TrainingVsSampling, report.ratios.rl2PointNavTrainingVsSampling];
    for (const x of [report.ratios.learnerScaling, ...shares]) assert.ok(Number.isFinite(x) && x > 0, JSON.stringify(report.ratios));
    assert.ok(shares.every((x) => x <= 1), JSON.stringify(report.ratios));
    assert.deepEqual(computeRatios(report.rows, report.learners), report.ratios);
  });

  it('the fidelity figures are finite, ordered and counted', () => {
    const f = report.fidelity;
    assert.equal(f.samples + f.physicsErrors * 6, f.robots * f.steps * 6);
    for (const x of [f.limitOvershoot.max, f.limitOvershoot.mean, f.anchorGapMm.max, f.anchorGapMm.mean, f.anchorGapMm.p99, f.axisTilt.max]) {
      assert.ok(Number.isFinite(x) && x >= 0, JSON.stringify(f));
    }
    assert.ok(f.limitOvershoot.mean <= f.limitOvershoot.max && f.anchorGapMm.mean <= f.anchorGapMm.max && f.anchorGapMm.p99 <= f.anchorGapMm.max);
    assert.ok(f.limitOvershoot.fraction >= 0 && f.limitOvershoot.fraction <= 1);
  });

  it('times MAML (learner on all threads, then on one) and RL2 (on the same env, then on PointNav) meta-iterations by phase', () => {
    assert.deepEqual(report.learners.map((l) => l.learner), ['maml', 'maml', 'rl2', 'rl2']);
    assert.deepEqual(report.learners.map((l) => l.envId), [report.settings.envId, report.settings.envId, report.settings.envId, 'PointNav-v0']);
    assert.deepEqual(report.learners.map((l) => l.learnerThreads), [report.settings.workers, 1, report.settings.workers, report.settings.workers]);
    assert.equal(report.learners[0].envSteps, report.learners[1].envSteps, 'both MAML timings run the same meta-batches');
    for (const l of report.learners) {
      for (const [phase, spread] of Object.entries(l.phasesMs)) {
        assert.equal(spread.runs.length, l.iterations, `${l.learner} ${phase}`);
        assert.ok(spread.runs.every((ms) => Number.isFinite(ms) && ms >= 0), `${l.learner} ${phase}`);
        assert.ok(spread.min <= spread.median && spread.median <= spread.max, `${l.learner} ${phase}`);
      }
      assert.ok(l.phasesMs.total.median > 0 && l.envSteps > 0, l.learner);
    }
  });

  it("times PEARL's gradient steps and collection at the cheetah-dir-pearl sizes", () => {
    for (const [t, threads] of [[report.pearl, 1], [report.pearlParallel, report.settings.workers]] as const) {
      assert.deepEqual([t.learnerThreads, t.gradientShards], [threads, threads]);
      assert.ok(t.gradientStepsPerSecond > 0 && Number.isFinite(t.gradientStepsPerSecond));
    }
    const p = report.pearl;
    assert.deepEqual({ net: [p.netSize, p.netDepth], batch: [p.metaBatch, p.batchSize], env: p.envId }, { net: [128, 2], batch: [4, 128], env: 'CheetahDir-v0' });
    assert.ok(p.gradientStepsPerSecond > 0 && Number.isFinite(p.gradientStepsPerSecond));
    assert.ok(Math.abs(p.gradientStepsPerSecond * p.msPerGradientStep - 1000) < 1e-6 * 1000, 'steps/s and ms/step describe the same time');
    assert.equal(p.collectionEnvSteps, p.collectionTasks * 2 * p.collectionSteps, 'prior and posterior phases on every collection task');
    assert.ok(p.collectionEnvStepsPerSecond > 0 && Number.isFinite(p.collectionEnvStepsPerSecond));
  });

  it('the table names every row and learner and shows the ratios against their goals', () => {
    assert.equal(run.stdout.trimEnd(), formatBenchReport(report));
    for (const row of report.rows) assert.ok(run.stdout.includes(row.label), `table lacks '${row.label}'`);
    for (const text of ['MAML-TRPO', 'RL2-PPO', 'policy overhead', 'goal >= 1.0x', 'joint anchor gap', 'joint-limit overshoot', 'learner scaling', 'learner threads', 'training / sampling', 'PEARL on CheetahDir-v0', 'gradient steps/s', 'task groups']) {
      assert.ok(run.stdout.includes(text), `table lacks '${text}'`);
    }
  });

  it('without mujoco-js the row says not installed and its ratios are null', async () => {
    const lines: string[] = [];
    const missing = () => Promise.reject(new Error('mujoco-js is not installed: npm install --save-dev mujoco-js'));
    const { row, version } = await mujocoRow(report.settings.rates, (l) => lines.push(l), missing);
    assert.equal(row.rate, null);
    assert.equal(version, null);
    assert.match(row.note ?? '', /not installed/);
    assert.match(lines.join('\n'), /skipped/);
    const rows = report.rows.map((r) => (r.id === 'mujoco' ? row : { ...r, vsMujoco: null }));
    const ratios = computeRatios(rows, report.learners);
    assert.equal(ratios.samplingVsMujoco, null);
    assert.equal(ratios.policyOverhead, report.ratios.policyOverhead);
    const table = formatBenchReport({ ...report, rows, ratios, machine: { ...report.machine, mujoco: null } });
    assert.match(table, /mujoco-js half_cheetah, 1 core\s+not installed/);
    assert.match(table, /MuJoCo not installed/);
    assert.match(table, /^mujoco-js half_cheetah, 1 core: mujoco-js is not installed: npm install/m);
  });
});

describe('metarl bench options', () => {
  it('--json without a file goes to bench/results/bench-<ISO time>.json (no colons)', () => {
    assert.equal(defaultBenchPath(new Date('2026-11-05T10:22:31.123Z')), join('bench', 'results', 'bench-2026-11-05T10-22-31Z.json'));
  });

  it('an unwritable --json path is refused before anything runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metarl-bench-'));
    try {
      const notADir = join(dir, 'file');
      writeFileSync(notADir, '');
      const target = join(notADir, 'report.json');
      const r = metarl('bench', '--quick', '--json', target);
      assertUserError(r, `cannot write the bench report to ${target}`, '--json <file>');
      assert.doesNotMatch(r.stderr, /bench: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
