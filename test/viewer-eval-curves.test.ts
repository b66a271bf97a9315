/**
 * The evaluation curves `metarl view` / `metarl replay` put in the scene (experiments/view-command.ts): read
 * from the eval.json of the checkpoint's run directory (or beside a lone checkpoint); curves with a NaN point
 * left out; no file, a file for another env or a broken file give none (the last two logged).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { evalReferenceCurves } from '../experiments/view-command.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'viewer-eval-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An eval.json curve: `mean` per point (null: NaN, as JSON writes it), from one seed. */
function curve(label: string, mean: Array<number | null>): object {
  return { label, mean, ci95: mean.map(() => null), n: 1, perSeed: [mean] };
}

/** What `metarl eval` writes, reduced to what the viewer reads. */
function evalJson(envId: string): string {
  return JSON.stringify({
    format: 'metarl-eval/1',
    envId,
    iteration: 40,
    protocol: { axis: 'inner steps', points: 3 },
    curves: {
      agent: curve('MAML-TRPO', [-30, -20, -15]),
      random: curve('random', [-50, -51, -50]),
      multitask: curve('multi-task + fine-tune', [-35, null, -28]),
      oracle: curve('oracle (task observed)', [-5]),
    },
  });
}

/** A run directory with a checkpoint and `evalText` as its eval.json (none when undefined); returns the checkpoint file. */
async function run(name: string, evalText?: string): Promise<string> {
  const runDir = join(dir, name);
  await mkdir(join(runDir, 'checkpoints'), { recursive: true });
  if (evalText !== undefined) await writeFile(join(runDir, 'eval.json'), evalText);
  return join(runDir, 'checkpoints', 'ckpt-000040.json');
}

test("the run's evaluation: the agent's curve and every baseline's with a finite mean at each point", async () => {
  const lines: string[] = [];
  const curves = await evalReferenceCurves(await run('evaluated', evalJson('PointNav-v0')), 'PointNav-v0', (line) => lines.push(line));
  assert.deepEqual(curves, [
    { name: 'agent', label: 'MAML-TRPO', mean: [-30, -20, -15] },
    { name: 'random', label: 'random', mean: [-50, -51, -50] },
    { name: 'oracle', label: 'oracle (task observed)', mean: [-5] },
  ]);
  assert.match(lines.join('\n'), /iteration 40\): agent, random, oracle/);
});

test('a lone checkpoint reads the eval.json beside it', async () => {
  const lone = join(dir, 'lone');
  await mkdir(lone, { recursive: true });
  await writeFile(join(lone, 'eval.json'), evalJson('CheetahDir-v0'));
  const curves = await evalReferenceCurves(join(lone, 'agent.json'), 'CheetahDir-v0', () => undefined);
  assert.deepEqual(curves.map((c) => c.name), ['agent', 'random', 'oracle']);
});

test('no eval.json, one for another env or a broken one: no curves, the last two say why', async () => {
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);
  assert.deepEqual(await evalReferenceCurves(await run('unevaluated'), 'PointNav-v0', log), []);
  assert.deepEqual(lines, []);
  assert.deepEqual(await evalReferenceCurves(await run('other-env', evalJson('AntGoal-v0')), 'PointNav-v0', log), []);
  assert.match(lines.pop() ?? '', /no evaluation curves: .*eval\.json: it evaluates AntGoal-v0, not PointNav-v0/);
  assert.deepEqual(await evalReferenceCurves(await run('broken', '{"format": "metarl-eval/1"'), 'PointNav-v0', log), []);
  assert.match(lines.pop() ?? '', /no evaluation curves: .*eval\.json: malformed JSON/);
});
