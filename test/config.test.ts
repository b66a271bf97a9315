/**
 * Experiment configs: every preset validates; unknown keys, wrong types, out-of-range values, unknown
 * algorithms and envs are rejected with the key path and the allowed values; --set overrides; file errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../experiments/config.js';
import { applySet, listPresets, loadConfig } from '../experiments/config-file.js';

const base = { env: 'PointNav-v0', algorithm: { name: 'maml' }, iterations: 3 };

/** The message of the error `f` throws. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected an error');
}

async function asyncErrorOf(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected an error');
}

describe('config schema', () => {
  it('ships the eight presets the issue asks for, all valid', async () => {
    const required = ['pointnav-maml', 'pointnav-rl2', 'cheetah-vel-maml', 'cheetah-vel-rl2', 'cheetah-dir-promp', 'ant-dir-maml', 'hopper-params-rl2', 'reacher-goal-reptile'];
    for (const name of required) assert.ok(listPresets().includes(name), `missing preset ${name}`);
    for (const name of listPresets()) {
      const { config, origin } = await loadConfig(name);
      assert.equal(origin, `preset ${name}`);
      assert.ok(config.iterations >= 1);
    }
  });

  it('fills the documented defaults', () => {
    const c = parseConfig(base, 'test');
    assert.equal(c.metaBatchSize, 20);
    assert.equal(c.seed, 0);
    assert.equal(c.backend, 'auto');
    assert.deepEqual(c.eval, { tasks: 10, seeds: 3, steps: 3, baselines: ['random', 'multitask', 'oracle', 'sgd-same-init'] });
  });

  it('rejects unknown keys with the path and the allowed keys', () => {
    const top = errorOf(() => parseConfig({ ...base, iteration: 3 }, 'x.json'));
    assert.match(top, /invalid config x\.json/);
    assert.match(top, /'iteration'/);
    assert.match(top, /allowed keys: .*iterations/);
    const nested = errorOf(() => parseConfig({ ...base, algorithm: { name: 'maml', innerLR: 0.1 } }, 'x'));
    assert.match(nested, /algorithm: unknown key\(s\) 'innerLR'; allowed keys: .*innerLr/);
  });

  it('rejects wrong types and out-of-range values with the key path', () => {
    assert.match(errorOf(() => parseConfig({ ...base, iterations: 'ten' }, 'x')), /iterations: .*expected number/);
    assert.match(errorOf(() => parseConfig({ ...base, iterations: 0 }, 'x')), /iterations: .*>=1/);
    assert.match(errorOf(() => parseConfig({ ...base, iterations: 2.5 }, 'x')), /iterations: .*int/);
    assert.match(errorOf(() => parseConfig({ ...base, algorithm: { name: 'maml', innerLr: -1 } }, 'x')), /algorithm\.innerLr: .*>0/);
    assert.match(errorOf(() => parseConfig({ ...base, algorithm: { name: 'rl2', clipEpsilon: 1.5 } }, 'x')), /algorithm\.clipEpsilon/);
    assert.match(errorOf(() => parseConfig({ ...base, eval: { seeds: 0 } }, 'x')), /eval\.seeds/);
  });

  it('names the allowed values of enums, algorithms and envs', () => {
    assert.match(errorOf(() => parseConfig({ ...base, backend: 'gpu' }, 'x')), /backend: .*"auto"\|"tensorflow"\|"webgpu"\|"wasm"\|"cpu"/);
    assert.match(errorOf(() => parseConfig({ ...base, algorithm: { name: 'dreamer' } }, 'x')), /algorithm\.name: unknown learner 'dreamer'; registered learners: lstm-optimizer, maml, meta-sgd, multitask, pearl, promp, reptile, rl2/);
    assert.match(errorOf(() => parseConfig({ ...base, env: 'Nope-v0' }, 'x')), /env: unknown env 'Nope-v0'; valid envs: .*CheetahVel-v0/);
    assert.match(errorOf(() => parseConfig({ ...base, eval: { baselines: ['random', 'random'] } }, 'x')), /eval\.baselines: baselines must not repeat/);
  });

  it('rejects an algorithm option that belongs to another algorithm', () => {
    assert.match(errorOf(() => parseConfig({ ...base, algorithm: { name: 'rl2', innerLr: 0.1 } }, 'x')), /algorithm: unknown key\(s\) 'innerLr'/);
  });
});

describe('--set overrides', () => {
  it('parses JSON values, falls back to strings and creates nested objects', () => {
    const raw: Record<string, unknown> = { algorithm: { name: 'maml' } };
    applySet(raw, 'iterations=7');
    applySet(raw, 'algorithm.hidden=[8,8]');
    applySet(raw, 'algorithm.firstOrder=true');
    applySet(raw, 'env=PointNav-v0');
    applySet(raw, 'eval.tasks=4');
    assert.deepEqual(raw, { algorithm: { name: 'maml', hidden: [8, 8], firstOrder: true }, iterations: 7, env: 'PointNav-v0', eval: { tasks: 4 } });
    assert.equal(parseConfig(raw, 'x').eval.tasks, 4);
  });

  it('applies on top of a preset and is validated', async () => {
    const { config } = await loadConfig('pointnav-maml', ['iterations=2', 'algorithm.innerLr=0.05']);
    assert.equal(config.iterations, 2);
    assert.equal(config.algorithm.name === 'maml' && config.algorithm.innerLr, 0.05);
    assert.match(await asyncErrorOf(() => loadConfig('pointnav-maml', ['algorithm.innerLr=-2'])), /algorithm\.innerLr/);
    assert.match(await asyncErrorOf(() => loadConfig('pointnav-maml', ['algoritm.innerLr=1'])), /'algoritm'/);
  });

  it('rejects malformed assignments naming the expected form', () => {
    assert.match(errorOf(() => applySet({}, 'iterations')), /--set expects key=value/);
    assert.match(errorOf(() => applySet({}, '=3')), /--set expects key=value/);
    assert.match(errorOf(() => applySet({ iterations: 3 }, 'iterations.x=1')), /'iterations' is not an object/);
  });
});

describe('config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metarl-config-'));

  it('loads a JSON file and names the run after it', async () => {
    const file = join(dir, 'my-exp.json');
    writeFileSync(file, JSON.stringify(base));
    const loaded = await loadConfig(file);
    assert.equal(loaded.name, 'my-exp');
    assert.equal(loaded.origin, file);
  });

  it('reports a missing file or unknown preset with the presets, and bad JSON with the parser message', async () => {
    assert.match(await asyncErrorOf(() => loadConfig('no-such-preset')), /no config file or preset named 'no-such-preset'.*pointnav-maml/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "env": ');
    assert.match(await asyncErrorOf(() => loadConfig(bad)), /bad\.json is not valid JSON/);
    const array = join(dir, 'array.json');
    writeFileSync(array, '[1]');
    assert.match(await asyncErrorOf(() => loadConfig(array)), /must hold a JSON object/);
  });
});
