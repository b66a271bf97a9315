/**
 * Range checks of learner options. Each throws an Error `${label}: ${name} must ..., got ${value}.` that names
 * the algorithm, the option and its valid range; NaN fails every check.
 */

/** `value` must be an integer >= 1. */
export function positiveInteger(label: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${label}: ${name} must be an integer >= 1, got ${value}.`);
}

/** `value` must be > 0. */
export function positive(label: string, name: string, value: number): void {
  if (!(value > 0)) throw new Error(`${label}: ${name} must be > 0, got ${value}.`);
}

/** `value` must be >= 0. */
export function nonNegative(label: string, name: string, value: number): void {
  if (!(value >= 0)) throw new Error(`${label}: ${name} must be >= 0, got ${value}.`);
}

/** `value` must lie in [0, 1] (a discount or GAE λ). */
export function unitInterval(label: string, name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new Error(`${label}: ${name} must lie in [0, 1], got ${value}.`);
}

/** `value` must lie in (0, 1) (a PPO clip range). */
export function openUnitInterval(label: string, name: string, value: number): void {
  if (!(value > 0 && value < 1)) throw new Error(`${label}: ${name} must lie in (0, 1), got ${value}.`);
}
