/**
 * The text `metarl bench` prints: a header naming the machine and settings, the rate rows with their ratio to
 * mujoco-js, the ratios against their goals, the physics fidelity, the meta-iteration times and PEARL's rates.
 */
import { formatTable } from '../experiments/text-table.js';
import type { LearnerTiming, Spread } from './learner-timing.js';
import type { BenchReport, RateRow } from './suite.js';

/** The whole report as text (no trailing newline). */
export function formatBenchReport(r: BenchReport): string {
  return [header(r), rateTable(r.rows), ratioLines(r), fidelityLines(r), learnerTable(r), pearlLines(r)].join('\n\n');
}

function header(r: BenchReport): string {
  const m = r.machine;
  const v = m.versions;
  const s = r.settings;
  return [
    `metarl bench${s.quick ? ' --quick' : ''}: ${s.envId} on ${m.cpu} (${m.cores} cores), node ${v.node}, ${r.physics.engine}, ` +
      `tfjs ${v['@tensorflow/tfjs-core']} (${m.tfBackend}), MuJoCo ${m.mujoco ?? 'not installed'}; ${r.durationS.toFixed(0)} s in all`,
    `env steps/s: median [min, max] of ${s.rates.repeats} timed runs of ~${s.rates.steps} env steps after a warm-up; ` +
      'uniform random actions unless the row says policy',
  ].join('\n');
}

/** A rate or ratio cell: integers for rates, two decimals for ratios, `-` for missing. */
const num = (x: number | null, digits = 0): string => (x === null ? '-' : x.toFixed(digits));

function rateTable(rows: readonly RateRow[]): string {
  const cells = rows.map((row) => [
    row.label,
    row.rate ? num(row.rate.median) : /not installed/.test(row.note ?? '') ? 'not installed' : 'failed',
    row.rate ? `[${num(row.rate.min)}, ${num(row.rate.max)}]` : '',
    row.vsMujoco === null ? '-' : `${num(row.vsMujoco, 2)}x`,
  ]);
  const notes = rows.flatMap((row) => (row.note ? [`${row.label}: ${row.note}`] : []));
  return [formatTable([['row', 'env steps/s', '[min, max]', 'vs mujoco'], ...cells]), ...notes].join('\n');
}

function ratioLines(r: BenchReport): string {
  const { ratios: q, goals: g } = r;
  const vsMujoco = q.samplingVsMujoco === null ? '- (mujoco-js not installed)' : `${num(q.samplingVsMujoco, 2)}x`;
  return [
    'ratios',
    `  end-to-end sampling / mujoco-js (1 core)        ${vsMujoco}  (goal >= ${g.samplingVsMujoco.toFixed(1)}x)`,
    `  policy overhead: sampling / worker VecEnv       ${num(q.policyOverhead, 2)}  (goal >= ${g.policyOverhead.toFixed(2)}; median of paired runs)`,
    `  worker scaling: worker VecEnv / VecEnv          ${num(q.workerScaling, 2)}x  (${r.settings.workers} threads)`,
    `  learner scaling: MAML-TRPO 1 / ${r.settings.maml.learnerThreads} learner threads   ${num(q.learnerScaling, 2)}x  (goal >= ${g.learnerScaling.toFixed(1)}x on 2 cores; meta-iteration time)`,
    `    its tensor work alone (inner + outer)          ${num(q.learnerWorkScaling, 2)}x`,
    `  training / sampling: MAML-TRPO env steps/s      ${num(q.trainingVsSampling, 2)}  (goal >= ${g.trainingVsSampling.toFixed(1)}; whole meta-iteration vs its sampling alone)`,
    `  training / sampling: RL2-PPO env steps/s        ${num(q.rl2TrainingVsSampling, 2)}  (goal >= ${g.rl2TrainingVsSampling.toFixed(1)}; ${r.settings.rl2.envId}, as MAML's)`,
    `    on PointNav (sampling nearly free)             ${num(q.rl2PointNavTrainingVsSampling, 2)}`,
  ].join('\n');
}

function fidelityLines(r: BenchReport): string {
  const f = r.fidelity;
  const sig = (x: number): string => x.toPrecision(3);
  return [
    `physics fidelity: ${f.robots} robots x ${f.steps} env steps of ${f.envId}, random actions, reset at episode ends ` +
      `(${f.samples} joint readings, ${f.physicsErrors} physics errors)`,
    `  joint-limit overshoot  max ${sig(f.limitOvershoot.max)} rad, mean ${sig(f.limitOvershoot.mean)} rad ` +
      `(${(f.limitOvershoot.fraction * 100).toFixed(1)}% of readings past a limit)`,
    `  joint anchor gap       max ${sig(f.anchorGapMm.max)} mm, mean ${sig(f.anchorGapMm.mean)} mm, p99 ${sig(f.anchorGapMm.p99)} mm`,
    `  joint axis tilt        max ${sig(f.axisTilt.max)} rad`,
  ].join('\n');
}

/** Seconds, median [min, max], from a spread in ms. */
const seconds = (s: Spread): string => `${(s.median / 1000).toFixed(2)} [${(s.min / 1000).toFixed(2)}, ${(s.max / 1000).toFixed(2)}]`;

function learnerTable(r: BenchReport): string {
  const rows = r.learners.map((l) => [
    learnerName(l),
    String(l.learnerThreads),
    l.envId + (l.envOptions?.horizon ? ` (horizon ${l.envOptions.horizon})` : ''),
    l.learner === 'maml' ? `${l.numTasks} tasks x ${l.episodes} episodes` : `${l.numTasks} trials x ${l.episodes} episodes`,
    seconds(l.phasesMs.sampling),
    seconds(l.phasesMs.inner),
    seconds(l.phasesMs.outer),
    seconds(l.phasesMs.total),
    String(l.envSteps),
  ]);
  const head = ['learner', 'learner threads', 'env', 'meta-batch', 'sampling s', 'inner s', 'outer s', 'total s', 'env steps'];
  const n = r.learners[0]?.iterations ?? 0;
  return `meta-iteration times: median [min, max] of ${n} after a warm-up, sampling on ${r.settings.workers} threads\n${formatTable([head, ...rows])}`;
}

function learnerName(l: LearnerTiming): string {
  return l.learner === 'maml' ? `MAML-TRPO [${l.hidden}]` : `RL2-PPO GRU ${l.hidden[0]}`;
}

function pearlLines(r: BenchReport): string {
  const { pearl: p, pearlParallel: q } = r;
  const training = (t: typeof p) =>
    `${t.gradientStepsPerSecond.toFixed(1)} gradient steps/s (${t.msPerGradientStep.toFixed(1)} ms/step, ${t.cpuMsPerGradientStep.toFixed(1)} CPU ms/step, ${t.gradientSteps} steps)`;
  return [
    `PEARL on ${p.envId} (nets ${p.netSize} x ${p.netDepth} layers, ${p.metaBatch} tasks x ${p.batchSize} transitions per gradient step; one iteration after a warm-up)`,
    `  training, 1 learner thread                        ${training(p)}`,
    `  training, ${q.learnerThreads} learner threads x ${q.gradientShards} task groups      ${training(q)}: ${(q.gradientStepsPerSecond / p.gradientStepsPerSecond).toFixed(2)}x`,
    `  collection  ${Math.round(p.collectionEnvStepsPerSecond)} env steps/s (${p.collectionEnvSteps} env steps: ${p.collectionTasks} tasks x prior + posterior phases, ${p.workers} threads)`,
  ].join('\n');
}
