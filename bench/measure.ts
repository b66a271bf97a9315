/**
 * Rate measurement shared by the benchmarks: warm up (the first seconds of WASM code run ~2x slower while
 * the JIT settles), then time several runs and report the median with min and max.
 */

/** A rate (units per second): median, min and max over the timed runs. */
export interface Rate {
  median: number;
  min: number;
  max: number;
  /** Every timed run's rate, in run order. */
  runs: number[];
}

/** How much work to time. */
export interface MeasureOptions {
  /** Units of work per timed run (e.g. env steps). */
  units: number;
  /** Timed runs (>= 1). */
  repeats: number;
  /** Units of work run untimed first; default units / 2. */
  warmupUnits?: number;
}

/** Time `run(n)`, which performs n units of work, and return its rate in units per second. */
export function measureRate(run: (units: number) => void, options: MeasureOptions): Rate {
  return measureRatesInterleaved([run], options)[0];
}

/**
 * Time several kinds of work in alternation (timed run 1 of each, then run 2 of each, ...) after warming each up,
 * so that a drift in the machine's speed hits them all alike: the way to compare two rows as a ratio.
 * @returns one Rate per entry of `runs`, in order.
 */
export function measureRatesInterleaved(runs: Array<(units: number) => void>, options: MeasureOptions): Rate[] {
  for (const run of runs) run(options.warmupUnits ?? Math.ceil(options.units / 2));
  const times = runs.map(() => [] as number[]);
  for (let r = 0; r < options.repeats; r++) {
    runs.forEach((run, i) => {
      const t0 = performance.now();
      run(options.units);
      times[i].push(options.units / ((performance.now() - t0) / 1000));
    });
  }
  return times.map(summarizeRates);
}

/** Median, min and max of some rates. */
export function summarizeRates(runs: number[]): Rate {
  if (runs.length === 0) throw new Error('summarizeRates: no runs.');
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

/** Median of `xs` (mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
