/**
 * The plan of a sweep: grid points (the product of `--grid key=v1,v2` axes) times training seeds, each a run
 * directory `<out>/<point>/seed-<s>` (`<out>/seed-<s>` without a grid) and a job id that names it, so that
 * submitting the same sweep again finds its jobs instead of queueing them twice.
 */
import { createHash } from 'node:crypto';
import type { ExperimentConfig } from '../experiments/config.js';

/** One `--grid` axis: a config key and the values it takes. */
export interface GridAxis {
  key: string;
  values: string[];
}

/** A grid point: its name (directory) and the `--set` assignments that make it. */
export interface GridPoint {
  name: string;
  sets: string[];
}

/**
 * Parse `key=v1,v2,...` (commas inside brackets or braces belong to the value: `hidden=[32,32],[64,64]`); throws
 * one line naming the form.
 */
export function parseGridAxis(text: string): GridAxis {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  const values = eq > 0 ? splitTopLevel(text.slice(eq + 1)) : [];
  if (!/^[A-Za-z][\w.]*$/.test(key) || values.length === 0 || values.some((v) => v === '')) {
    throw new Error(`--grid must look like key=v1,v2 (e.g. --grid algorithm.innerLr=0.05,0.1); got '${text}'.`);
  }
  if (new Set(values).size !== values.length) throw new Error(`--grid ${key}: values repeat in '${text}'.`);
  return { key, values };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[' || ch === '{') depth += 1;
    if (ch === ']' || ch === '}') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** Every combination of the axes' values, first axis slowest; one point named `base` without axes. */
export function gridPoints(axes: readonly GridAxis[]): GridPoint[] {
  const keys = axes.map((a) => a.key);
  if (new Set(keys).size !== keys.length) throw new Error(`--grid: each key once (got ${keys.join(', ')}).`);
  let points: string[][] = [[]];
  for (const axis of axes) points = points.flatMap((p) => axis.values.map((v) => [...p, `${axis.key}=${v}`]));
  return points.map((sets) => ({ name: sets.length === 0 ? 'base' : sets.join(',').replace(/[/\\\s]/g, '_'), sets }));
}

/** One run of a sweep. */
export interface SweepRun {
  point: GridPoint;
  seed: number;
  /** The run's config: the point's config with this seed, without `modules`. */
  config: ExperimentConfig;
  /** Run directory relative to the sweep's output directory. */
  relativeDir: string;
  /** BullMQ job id: the sweep's id, the point's index and the seed. */
  jobId: string;
}

/** The runs of `configs` (one per point, in point order) times `seeds`. */
export function sweepRuns(points: readonly GridPoint[], configs: readonly ExperimentConfig[], seeds: readonly number[]): SweepRun[] {
  const id = createHash('sha256').update(JSON.stringify({ configs, seeds })).digest('hex').slice(0, 12);
  return points.flatMap((point, p) =>
    seeds.map((seed) => {
      const { modules: _modules, ...config } = { ...configs[p], seed };
      const relativeDir = points.length === 1 && point.name === 'base' ? `seed-${seed}` : `${point.name}/seed-${seed}`;
      return { point, seed, config: config as ExperimentConfig, relativeDir, jobId: `sweep-${id}-p${p}-s${seed}` };
    }),
  );
}
