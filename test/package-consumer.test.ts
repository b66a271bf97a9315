/**
 * metarl as a user's project gets it: `npm pack`, the tarball installed into an empty project (from the npm cache
 * that `npm ci` filled), every entry point imported from plain Node ESM, a TypeScript consumer type-checked with
 * tsc, and the README's code samples and "Add an environment" / "Add a learner" commands run there as written.
 * Bad modules get one line naming the file and the fix, and leave nothing behind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './cli-helpers.js';

/** `name.ts` files the README defines: ```ts blocks whose first line is `// name.ts: ...`. */
function readmeFiles(): Map<string, string> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const files = new Map<string, string>();
  for (const [, body] of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const name = /^\/\/ ([\w-]+\.ts):/.exec(body)?.[1];
    if (name) files.set(name, body);
  }
  return files;
}

/** The commands of the README's ```sh block whose first line is `# <tag>`. */
function readmeCommands(tag: string): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith(`# ${tag}\n`));
  assert.ok(block, `README has no sh block tagged # ${tag}`);
  return block.split('\n').filter((line) => line.startsWith('npx metarl '));
}

const devDependency = (name: string): string => (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies as Record<string, string>)[name];

describe('the packed package in a user project', { timeout: 600_000 }, () => {
  let dir = '';
  const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  const sh = (line: string) => spawnSync('bash', ['-c', line], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  const metarl = (...args: string[]) => run(join(dir, 'node_modules', '.bin', 'metarl'), args);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'metarl-consumer-'));
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1) as string;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(dir, packed), `@types/node@${devDependency('@types/node')}`], { cwd: dir, encoding: 'utf8' });
    for (const [name, body] of readmeFiles()) writeFileSync(join(dir, name), body);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('imports every entry point from plain Node ESM', () => {
    const script = `
      const main = await import('metarl');
      const envs = await import('metarl/envs');
      const agents = await import('metarl/agents');
      const viewer = await import('metarl/viewer');
      console.log(JSON.stringify({ envs: main.listEnvs(), learners: agents.listLearners(), same: main.registerEnv === envs.registerEnv, viewer: typeof viewer.startViewerServer, check: typeof envs.checkEnv }));`;
    const r = run(process.execPath, ['--input-type=module', '-e', script]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.envs.includes('CheetahVel-v0') && out.envs.includes('PointNav-v0'));
    assert.deepEqual(out.learners, ['lstm-optimizer', 'maml', 'meta-sgd', 'multitask', 'pearl', 'promp', 'reptile', 'rl2']);
    assert.equal(out.same, true, 'metarl and metarl/envs share one env registry');
    assert.equal(out.viewer, 'function');
    assert.equal(out.check, 'function');
  });

  it('type-checks a TypeScript consumer and the README files with tsc', () => {
    writeFileSync(
      join(dir, 'consumer.ts'),
      `import { makeEnv, type Env, type RobotTaskDef } from 'metarl/envs';
import { registerLearner, type MetaLearner, type LearnerRegistration } from 'metarl/agents';
import { startViewerServer, type TakeSource } from 'metarl/viewer';
import { trainRun, evaluate, loadConfig, type ExperimentConfig } from 'metarl';
const env: Env = await makeEnv('PointNav-v0');
const dim: number = env.observationSpace.dim;
// @ts-expect-error: a step takes an action, not a string
env.step('left');
export type Used = [RobotTaskDef<{ a: number }>, MetaLearner, LearnerRegistration, TakeSource, ExperimentConfig, typeof registerLearner, typeof startViewerServer, typeof trainRun, typeof evaluate, typeof loadConfig, typeof dim];
`,
    );
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['*.ts'] }));
    const r = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir]);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  it("runs the README's env example as written", () => {
    const r = run(process.execPath, ['--import', 'tsx', 'env-example.ts']);
    assert.equal(r.status, 0, r.stderr);
    const [first, second] = r.stdout.trim().split('\n');
    assert.match(first, /^17 -?\d.* false false \{ velocity: -?\d.*, control: -?\d/);
    assert.equal(second, String(64 * 17));
  });

  it("runs the README's add-an-environment commands: check-env passes, a 2-iteration train and an eval run", () => {
    for (const line of readmeCommands('add-an-environment')) {
      const r = sh(line);
      assert.equal(r.status, 0, `${line}\n${r.stdout}${r.stderr}`);
      if (line.includes('check-env')) assert.match(r.stdout, /: 15\/15 checks passed/);
    }
    const config = JSON.parse(readFileSync(join(dir, 'runs', 'height', 'config.json'), 'utf8'));
    assert.deepEqual(config.modules, [join(dir, 'cheetah-height.ts')]);
    assert.equal(readFileSync(join(dir, 'runs', 'height', 'metrics.jsonl'), 'utf8').trim().split('\n').length, 2);
    assert.ok(existsSync(join(dir, 'runs', 'height', 'eval.json')));
  });

  it("runs the README's add-a-learner commands: the user's learner trains, checkpoints and is evaluated under its label", () => {
    for (const line of readmeCommands('add-a-learner')) {
      const r = sh(line);
      assert.equal(r.status, 0, `${line}\n${r.stdout}${r.stderr}`);
    }
    const result = JSON.parse(readFileSync(join(dir, 'runs', 'slow', 'eval.json'), 'utf8'));
    assert.equal(result.curves.agent.label, 'slow Reptile');
    assert.equal(result.algorithm, 'reptile-vpg');
  });

  it('check-env prints the failure table of a broken copy of the README robot and exits non-zero', () => {
    const pendulum = readFileSync(join(dir, 'pendulum.ts'), 'utf8');
    const broken = pendulum.replace("{ name: 'hinge.velocity', size: 1", "{ name: 'hinge.velocity', size: 2").replace("'PendulumAngle-v0'", "'BrokenPendulum-v0'");
    assert.notEqual(broken, pendulum);
    writeFileSync(join(dir, 'broken-pendulum.ts'), broken);
    const r = metarl('check-env', './broken-pendulum.ts');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /FAIL {2}observation layout/);
    assert.match(r.stdout, /- observation\.write fills entries 0\.\.2 \(3 entries\); the layout declares 4 entries/);
    assert.match(r.stdout, /BrokenPendulum-v0: \d+\/15 checks passed/);
  });

  describe('bad modules: one line naming the file and the fix, nothing written', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['throws.ts', "throw new Error('boom');\n", /module \.\/throws\.ts failed to load: boom/],
      ['empty.ts', 'export const nothing = 1;\n', /module \.\/empty\.ts registered no env or learner: call registerEnv/],
      ['duplicate.ts', "import { registerEnv, robotEnv, envSpec } from 'metarl';\nregisterEnv(robotEnv(envSpec('CheetahVel-v0').def));\n", /module \.\/duplicate\.ts failed to load: registerEnv: "CheetahVel-v0" is already registered/],
    ];
    for (const [file, body, message] of cases) {
      it(file, () => {
        writeFileSync(join(dir, file), body);
        const r = metarl('train', 'pointnav-maml', '--module', `./${file}`, '--out', `runs/${file}`);
        assert.equal(r.status, 1);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], message);
        assert.ok(!existsSync(join(dir, 'runs', file)), 'no run directory is created');
      });
    }

    it('an env whose observations disagree with its layout', () => {
      const broken = readFileSync(join(dir, 'broken-pendulum.ts'), 'utf8');
      writeFileSync(join(dir, 'disagree.ts'), broken.replace("'BrokenPendulum-v0'", "'DisagreePendulum-v0'"));
      const r = metarl('rollout', 'DisagreePendulum-v0', '--module', './disagree.ts');
      assert.equal(r.status, 1);
      assert.match(r.stderr.trim(), /^error: module \.\/disagree\.ts: env DisagreePendulum-v0 is broken \(observation layout\): observation\.write fills entries 0\.\.2 .*metarl check-env \.\/disagree\.ts lists every problem\)\.$/);
    });
  });
});
