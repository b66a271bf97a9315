import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adaptationCurveSvg, learningCurveSvg, successRateSvg, writePlots } from '../experiments/plots.js';
import type { EnvCard } from '../envs/index.js';
import type { EvalCurve, EvalResult, IterationRecord } from '../experiments/results.js';
import { summarize } from '../experiments/stats.js';
import { escapeXml, formatTick, niceTicks } from '../experiments/svg-chart.js';

/** Asserts `svg` is one well-formed `<svg>` element: balanced tags, quoted attributes, only known entities. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let end = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    assertText(svg.slice(end, m.index));
    end = tag.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClosing) stack.push(name);
    if (stack.length === 0) assert.equal(svg.slice(end).trim(), '', 'content after the root element');
  }
  assertText(svg.slice(end));
  assert.deepEqual(stack, [], `unclosed elements: ${stack.join(', ')}`);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
}

function assertText(text: string): void {
  assert.ok(!text.includes('<') && !text.includes('>'), `stray markup: ${text.slice(0, 80)}`);
  assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(text), `bad entity: ${text.slice(0, 80)}`);
}

function count(svg: string, pattern: RegExp): number {
  return svg.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

function tickLabels(svg: string, axis: 'x' | 'y'): string[] {
  return [...svg.matchAll(new RegExp(`class="tick-label ${axis}"[^>]*>([^<]*)<`, 'g'))].map((m) => m[1]);
}

function curveElements(svg: string): string[] {
  return svg.match(/<path class="curve"[^>]*>/g) ?? [];
}

function curvePaths(svg: string): string[] {
  return [...svg.matchAll(/<path class="curve" d="([^"]*)"/g)].map((m) => m[1]);
}

function records(n: number, skipped: number[] = []): IterationRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const iteration = i + 1;
    const skip = skipped.includes(iteration);
    return {
      iteration,
      preReturn: skip ? NaN : -100 + iteration,
      postReturn: skip ? NaN : -80 + 2 * iteration,
      losses: { inner: 0.5 },
      kl: 0.01,
      envSteps: 1000,
      totalEnvSteps: 1000 * iteration,
      timings: { sampling: 10, inner: 5, outer: 5, total: 21 },
      wallSeconds: iteration,
      ...(skip ? { skipped: 'NaN loss' } : {}),
      physicsErrors: 0,
      info: {},
    };
  });
}

function curve(label: string, perSeed: number[][], successPerSeed?: number[][]): EvalCurve {
  const successRate = successPerSeed ? { successRate: summarize(successPerSeed) } : {};
  return { label, perSeed, ...summarize(perSeed), ...successRate };
}

function evalResult(overrides: Partial<EvalResult> = {}): EvalResult {
  return {
    format: 'metarl-eval/1',
    createdAt: '2025-01-01T00:00:00.000Z',
    source: 'runs/test',
    envId: 'CheetahVel-v0',
    algorithm: 'maml-trpo',
    iteration: 50,
    config: {},
    envCard: {} as EnvCard,
    envCardHash: 'abc',
    backend: 'cpu',
    versions: {},
    protocol: {
      axis: 'inner steps',
      points: 4,
      episodes: 10,
      split: 'test',
      tasks: [0, 1, 2, 3, 4].map((v) => ({ v })),
      seeds: [0, 1, 2],
    },
    // Baselines listed before the agent on purpose: the plot must still put the agent first.
    curves: {
      random: curve(
        'random',
        [[-50, -51, -49, -50], [-52, -50, -50, -51], [-48, -49, -51, -50]],
        [[0, 0, 0, 0], [0, 0.1, 0, 0], [0, 0, 0, 0.1]],
      ),
      agent: curve(
        'MAML & co <v2>',
        [[-30, -20, -15, -12], [-32, -22, -16, -11], [-29, -19, -14, -13]],
        [[0.1, 0.3, 0.5, 0.6], [0.2, 0.3, 0.4, 0.7], [0.1, 0.2, 0.5, 0.6]],
      ),
      oracle: curve('oracle', [[-5], [-6], [-4]]),
    },
    wallSeconds: 12,
    ...overrides,
  };
}

describe('svg-chart helpers', () => {
  it('niceTicks uses 1-2-5 steps and extends the domain to whole steps', () => {
    assert.deepEqual(niceTicks(0, 97), { values: [0, 20, 40, 60, 80, 100], step: 20, domain: [0, 100] });
    assert.deepEqual(niceTicks(-0.33, 0.81).values, [-0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 1).values, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.equal(niceTicks(-1234, 5678).step, 2000);
  });

  it('niceTicks can keep the domain and tick only integers inside it', () => {
    const inside = { integer: true, extendDomain: false };
    assert.deepEqual(niceTicks(1, 3, inside), { values: [1, 2, 3], step: 1, domain: [1, 3] });
    assert.deepEqual(niceTicks(1, 30, inside).values, [5, 10, 15, 20, 25, 30]);
  });

  it('niceTicks widens a zero-width range and rejects non-finite bounds', () => {
    const ticks = niceTicks(5, 5);
    assert.ok(ticks.domain[0] < 5 && ticks.domain[1] > 5);
    assert.throws(() => niceTicks(0, NaN), /finite min ≤ max/);
    assert.throws(() => niceTicks(2, 1), /finite min ≤ max/);
  });

  it('formatTick gives the decimals of the step and never "-0"', () => {
    assert.equal(formatTick(0.2, 0.2), '0.2');
    assert.equal(formatTick(0.05, 0.05), '0.05');
    assert.equal(formatTick(-1e-17, 0.1), '0.0');
    assert.equal(formatTick(-2000, 500), '-2000');
  });

  it('escapeXml escapes markup characters', () => {
    assert.equal(escapeXml(`a<b & "c" 'd'>`), 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  });
});

describe('learningCurveSvg', () => {
  it('draws pre- and post-adaptation lines with axes, legend and gaps at skipped iterations', () => {
    const svg = learningCurveSvg(records(10, [5]), 'CheetahVel <test>');
    assertWellFormed(svg);
    const texts = ['meta-iteration', 'mean return per episode', 'pre-adaptation', 'post-adaptation'];
    texts.push('CheetahVel &lt;test&gt;');
    for (const text of texts) {
      assert.ok(svg.includes(`>${text}<`), text);
    }
    const paths = curvePaths(svg);
    assert.equal(paths.length, 2);
    for (const d of paths) assert.equal(count(d, /M/), 2, 'iteration 5 splits each line in two');
    assert.equal(count(svg, /class="marker"/), 2 * 9 + 2, 'a marker per finite point, plus one per legend swatch');
    assert.deepEqual(tickLabels(svg, 'x'), ['0', '2', '4', '6', '8', '10']);
    assert.match(svg, /10 meta-iterations, 1 skipped \(gaps\)/);
  });

  it('fades the raw lines under a moving average above 50 iterations', () => {
    const svg = learningCurveSvg(records(120), 'long run');
    assertWellFormed(svg);
    assert.equal(count(svg, /<path class="raw"[^>]*stroke-opacity="0.3"/), 2);
    assert.equal(curvePaths(svg).length, 2);
    assert.match(svg, /moving average over \d+/);
  });

  it('draws an empty frame without records', () => {
    assertWellFormed(learningCurveSvg([], 'nothing yet'));
  });
});

describe('adaptationCurveSvg', () => {
  it('draws one line, band and legend entry per curve, agent first, with integer step ticks', () => {
    const svg = adaptationCurveSvg(evalResult());
    assertWellFormed(svg);
    assert.equal(curvePaths(svg).length, 3);
    assert.equal(count(svg, /<polygon class="band"/), 3);
    const legend = [...svg.matchAll(/class="legend-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(legend, ['MAML &amp; co &lt;v2&gt;', 'random', 'oracle']);
    assert.deepEqual(tickLabels(svg, 'x'), ['0', '1', '2', '3']);
    for (const text of ['inner steps', 'mean return (held-out tasks)', 'mean ± 95% CI over 3 evaluation seeds, 5 test tasks']) {
      assert.ok(svg.includes(`>${text}<`), text);
    }
    assert.match(svg, />CheetahVel-v0 · maml-trpo: adaptation on held-out tasks</);
    assert.ok(tickLabels(svg, 'y').length >= 3);
  });

  it('draws a one-point curve as a dashed horizontal line across the axis', () => {
    const svg = adaptationCurveSvg(evalResult());
    const oracle = curvePaths(svg)[2];
    const [, x1, y1, x2, y2] = oracle.match(/^M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)$/)!.map(Number);
    assert.equal(y1, y2);
    assert.ok(x2 - x1 > 300, 'spans the plot width');
    assert.match(curveElements(svg)[2], /stroke-dasharray="[\d. ]+"/);
    const alone = adaptationCurveSvg(evalResult({ curves: { agent: curve('agent', [[-5], [-6]]) } }));
    assert.match(curveElements(alone)[0], /stroke-dasharray="6 5"/, 'a solid style turns dashed');
  });

  it('labels episodes of a trial from 1 and leaves a gap at a NaN point', () => {
    const result = evalResult({
      protocol: { ...evalResult().protocol, axis: 'episode in trial', points: 3 },
      curves: { agent: { label: 'RL2', perSeed: [], mean: [1, NaN, 3], ci95: [0.5, NaN, 0.5], n: 3 } },
    });
    const svg = adaptationCurveSvg(result);
    assertWellFormed(svg);
    assert.deepEqual(tickLabels(svg, 'x'), ['1', '2', '3']);
    assert.ok(svg.includes('>episode in trial<'));
    assert.equal(count(curvePaths(svg)[0], /M/), 2);
    assert.equal(count(svg, /<polygon class="band"/), 2);
  });
  it('names training tasks when the evaluation used the training split', () => {
    const svg = adaptationCurveSvg(evalResult({ protocol: { ...evalResult().protocol, split: 'train' } }));
    assert.match(svg, />CheetahVel-v0 · maml-trpo: adaptation on training tasks</);
    assert.ok(svg.includes('>mean return (training tasks)<'));
    assert.ok(svg.includes('>mean ± 95% CI over 3 evaluation seeds, 5 training tasks<'));
  });
});

describe('successRateSvg', () => {
  it('plots only the curves with a success rate on [0, 1]', () => {
    const svg = successRateSvg(evalResult());
    assertWellFormed(svg);
    assert.equal(curvePaths(svg).length, 2);
    assert.deepEqual(tickLabels(svg, 'y'), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    assert.ok(svg.includes('>success rate<'));
  });

  it('refuses an evaluation without success rates', () => {
    const result = evalResult({ curves: { agent: curve('agent', [[1, 2, 3, 4]]) } });
    assert.throws(() => successRateSvg(result), /no curve of this evaluation has a success rate/);
  });
});

describe('writePlots', () => {
  async function runDir(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'metarl-plots-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  }
  const jsonl = (rs: IterationRecord[]) => rs.map((r) => JSON.stringify(r)).join('\n') + '\n';

  it('writes the learning, adaptation and success-rate plots of a run (NaN stored as null)', async () => {
    const dir = await runDir({ 'metrics.jsonl': jsonl(records(8, [3])), 'eval.json': JSON.stringify(evalResult()) });
    const written = await writePlots(dir);
    const names = ['learning-curve.svg', 'adaptation-curve.svg', 'success-rate.svg'];
    assert.deepEqual(written, names.map((n) => join(dir, 'plots', n)));
    assert.deepEqual((await readdir(join(dir, 'plots'))).sort(), [...names].sort(), 'no temporary files left');
    for (const file of written) assertWellFormed(await readFile(file, 'utf8'));
    const learning = await readFile(written[0], 'utf8');
    assert.match(learning, />CheetahVel-v0 · maml-trpo: meta-training</);
    for (const d of curvePaths(learning)) assert.equal(count(d, /M/), 2);
  });

  it('reads a NaN curve value stored as null in eval.json back as a gap', async () => {
    const agent = { label: 'agent', perSeed: [[1, NaN, 3]], mean: [1, NaN, 3], ci95: [NaN, NaN, NaN], n: 1 };
    const gappy = evalResult({ curves: { agent } });
    const dir = await runDir({ 'eval.json': JSON.stringify(gappy) });
    const [file] = await writePlots(dir);
    assert.equal(count(curvePaths(await readFile(file, 'utf8'))[0], /M/), 2);
  });

  it('writes only what the files present allow', async () => {
    const metricsOnly = await runDir({ 'metrics.jsonl': jsonl(records(3)) });
    assert.deepEqual(await writePlots(metricsOnly), [join(metricsOnly, 'plots', 'learning-curve.svg')]);
    const noSuccess = evalResult({ curves: { agent: curve('agent', [[1, 2, 3, 4]]) } });
    const evalOnly = await runDir({ 'eval.json': JSON.stringify(noSuccess) });
    assert.deepEqual(await writePlots(evalOnly), [join(evalOnly, 'plots', 'adaptation-curve.svg')]);
  });

  it('says how to get a run directory when given something else', async () => {
    const empty = await runDir({});
    const expected = /is not a run directory: expected metrics\.jsonl or eval\.json; run `metarl train` first/;
    await assert.rejects(writePlots(empty), expected);
    await assert.rejects(writePlots(join(empty, 'missing')), /is not a run directory/);
  });

  it('names the file and line of a malformed metrics line', async () => {
    const dir = await runDir({ 'metrics.jsonl': jsonl(records(2)) + '{"iteration": 3, "preReturn": \n' });
    await assert.rejects(writePlots(dir), /metrics\.jsonl:3\b/);
  });

  it('rejects an eval.json that is not a metarl evaluation', async () => {
    const malformed = await runDir({ 'eval.json': '{"format": ' });
    await assert.rejects(writePlots(malformed), /eval\.json: malformed JSON/);
    const foreign = await runDir({ 'eval.json': '{"format": "other/1"}' });
    const expected = /eval\.json: not a metarl evaluation \(expected "format": "metarl-eval\/1"\)/;
    await assert.rejects(writePlots(foreign), expected);
  });
});
