/**
 * The `metarl` CLI as a user runs it: a child process per call, stdout/stderr and exit codes checked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertUserError, metarl } from './cli-helpers.js';

const ENV_IDS = ['AntDir-v0', 'AntGoal-v0', 'CheetahDir-v0', 'CheetahVel-v0', 'HopperParams-v0', 'PointNav-v0', 'ReacherGoal-v0', 'WalkerParams-v0'];

test('envs --json lists all 8 env cards with their dims', () => {
  const r = metarl('envs', '--json');
  assert.equal(r.status, 0, r.stderr);
  const cards = JSON.parse(r.stdout) as Array<{ id: string; observation: { dim: number }; action: { dim: number }; hash: string }>;
  assert.deepEqual(cards.map((c) => c.id).sort(), ENV_IDS);
  const byId = new Map(cards.map((c) => [c.id, c]));
  assert.equal(byId.get('CheetahVel-v0')?.observation.dim, 17);
  assert.equal(byId.get('CheetahVel-v0')?.action.dim, 6);
  assert.equal(byId.get('PointNav-v0')?.observation.dim, 4);
  assert.equal(byId.get('PointNav-v0')?.action.dim, 2);
  for (const c of cards) assert.match(c.hash, /^[0-9a-f]{16}$/);
});

test('envs prints a table with every env id', () => {
  const r = metarl('envs');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^id\s+robot\s+obs dim\s+act dim\s+horizon/);
  for (const id of ENV_IDS) assert.ok(r.stdout.includes(id), `table should list ${id}`);
  assert.match(r.stdout, /PointNav-v0\s+point\s+4\s+2\s+100/);
});

test('rollout is deterministic for the same arguments and depends on the seed', () => {
  const args = ['rollout', 'PointNav-v0', '--episodes', '2', '--seed', '3', '--json'];
  const a = metarl(...args);
  const b = metarl(...args);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  const report = JSON.parse(a.stdout);
  assert.equal(report.envId, 'PointNav-v0');
  assert.equal(report.seed, 3);
  assert.equal(report.taskSeed, 0);
  assert.equal(report.episodes.length, 2);
  for (const e of report.episodes) {
    assert.equal(typeof e.return, 'number');
    assert.equal(e.length, 100);
    assert.equal(typeof e.success, 'boolean');
  }
  assert.match(report.worldHash, /^[0-9a-f]+$/);
  const other = JSON.parse(metarl('rollout', 'PointNav-v0', '--episodes', '2', '--seed', '4', '--json').stdout);
  assert.notEqual(other.worldHash, report.worldHash);
});

test('rollout prints a per-episode table by default', () => {
  const r = metarl('rollout', 'PointNav-v0', '--episodes', '1', '--test-task');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /episode\s+return\s+length\s+terminated\s+truncated\s+success/);
  assert.match(r.stdout, /world hash [0-9a-f]+/);
});

test('an unknown env id is one line listing the valid ids, no stack trace', () => {
  assertUserError(metarl('rollout', 'NoSuchEnv-v0'), 'NoSuchEnv-v0', ...ENV_IDS);
});

test('bad numbers are rejected naming the flag', () => {
  assertUserError(metarl('rollout', 'PointNav-v0', '--episodes', '0'), '--episodes', 'positive integer');
  assertUserError(metarl('rollout', 'PointNav-v0', '--seed', 'abc'), '--seed', 'integer');
});

test('view, replay and demo take a shipped agent by name; an unknown name lists the shipped agents', () => {
  assertUserError(metarl('demo', 'no-such-agent', '--no-open'), "'no-such-agent'", 'pointnav-maml', 'pointnav-rl2');
  assertUserError(metarl('replay', 'no-such-agent', '--out', 'x.html'), 'Shipped agents:', 'pointnav-rl2');
});

test('results prints a row per evaluated run and refuses a run without eval.json', () => {
  const r = metarl('results', 'experiments/trained/pointnav-rl2');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| experiments\/trained\/pointnav-rl2 \| PointNav-v0 \| RL2-PPO \| 300 \| 240k \|/);
  assertUserError(metarl('results', 'experiments/presets'), 'has no eval.json', 'metarl eval experiments/presets');
});

test('every command has --help', () => {
  for (const args of [[], ['envs'], ['rollout'], ['presets'], ['train'], ['eval'], ['plot'], ['results'], ['ship'], ['demo']]) {
    const r = metarl(...args, '--help');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: metarl/);
  }
});
