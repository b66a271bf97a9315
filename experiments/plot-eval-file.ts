/**
 * Reading eval.json for the plots, with errors that name the file and field. JSON has no NaN: a NaN the
 * evaluation wrote reads back as null, and is turned back into NaN wherever a curve value is expected.
 */
import { readFile } from 'node:fs/promises';
import type { CurveSummary, EvalCurve, EvalResult } from './results.js';

/** The evaluation in an eval.json file. Checks the format marker and the curves; null curve values become NaN. */
export async function readEvalResult(file: string): Promise<EvalResult> {
  const value = parseJson(await readFile(file, 'utf8'), file);
  if (!isObject(value) || value.format !== 'metarl-eval/1') {
    throw new Error(`${file}: not a metarl evaluation (expected "format": "metarl-eval/1")`);
  }
  if (!isObject(value.curves) || !isObject(value.protocol)) {
    throw new Error(`${file}: an evaluation needs "curves" and "protocol" objects`);
  }
  const curves: Record<string, EvalCurve> = {};
  for (const [key, curve] of Object.entries(value.curves)) curves[key] = evalCurveFrom(curve, `${file}: curves.${key}`);
  return { ...(value as unknown as EvalResult), curves };
}

function evalCurveFrom(value: unknown, where: string): EvalCurve {
  if (!isObject(value) || typeof value.label !== 'string') throw new Error(`${where}: a curve needs a "label"`);
  const perSeed = arrayFrom(value.perSeed, `${where}.perSeed`).map((row, seed) => numbersOrNaN(row, `${where}.perSeed[${seed}]`));
  const curve: EvalCurve = { ...(value as unknown as EvalCurve), ...curveSummaryFrom(value, where, perSeed.length), perSeed };
  if (value.successRate !== undefined) curve.successRate = curveSummaryFrom(value.successRate, `${where}.successRate`, perSeed.length);
  return curve;
}

/** A mean/ci95 pair; `n` defaults to `seeds` (files written before `n` was recorded). */
function curveSummaryFrom(value: unknown, where: string, seeds: number): CurveSummary {
  if (!isObject(value)) throw new Error(`${where}: expected an object with "mean" and "ci95"`);
  const n = typeof value.n === 'number' ? value.n : seeds;
  const summary = { mean: numbersOrNaN(value.mean, `${where}.mean`), ci95: numbersOrNaN(value.ci95, `${where}.ci95`), n };
  if (summary.mean.length !== summary.ci95.length) {
    throw new Error(`${where}: "mean" has ${summary.mean.length} points but "ci95" has ${summary.ci95.length}`);
  }
  return summary;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: malformed JSON (${(error as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayFrom(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected an array`);
  return value;
}

function numbersOrNaN(value: unknown, where: string): number[] {
  return arrayFrom(value, where).map((v, i) => numberOrNaN(v, `${where}[${i}]`));
}

function numberOrNaN(value: unknown, where: string): number {
  if (value === null) return NaN;
  if (typeof value !== 'number') throw new Error(`${where}: expected a number or null, got ${JSON.stringify(value)}`);
  return value;
}
