/**
 * Structural checks for untrusted JSON (protocol messages, embedded recordings). Each reader returns the
 * typed value or throws a {@link JsonShapeError} whose message names the offending path, e.g.
 * `hello.scene.dt must be a finite number`. Decoders catch it and turn it into an error result.
 * No Node or DOM imports: the browser client uses this too.
 */

/** A parsed JSON object. */
export type JsonObject = { [key: string]: unknown };

/** A value that does not have the shape its reader expects; `message` names the path. */
export class JsonShapeError extends Error {}

/** `value` as an object (not null, not an array). */
export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JsonShapeError(`${path} must be an object`);
  return value as JsonObject;
}

/** `value` as an array. */
export function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new JsonShapeError(`${path} must be an array`);
  return value;
}

/** `value` as a finite number within [min, max]. */
export function asNumber(value: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new JsonShapeError(`${path} must be a finite number`);
  if (value < min || value > max) throw new JsonShapeError(`${path} must be within [${min}, ${max}], got ${value}`);
  return value;
}

/** `value` as an integer within [min, max]. */
export function asInteger(value: unknown, path: string, min: number, max: number): number {
  const n = asNumber(value, path, min, max);
  if (!Number.isInteger(n)) throw new JsonShapeError(`${path} must be an integer, got ${n}`);
  return n;
}

/** `value` as a string. */
export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new JsonShapeError(`${path} must be a string`);
  return value;
}

/** `value` as a boolean. */
export function asBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new JsonShapeError(`${path} must be a boolean`);
  return value;
}

/** `value` as a boolean or null. */
export function asBooleanOrNull(value: unknown, path: string): boolean | null {
  if (value !== null && typeof value !== 'boolean') throw new JsonShapeError(`${path} must be a boolean or null`);
  return value;
}

/** `value` as an array of finite numbers, of exactly `length` entries when given. */
export function asNumberArray(value: unknown, path: string, length?: number): number[] {
  const items = asArray(value, path);
  if (length !== undefined && items.length !== length) throw new JsonShapeError(`${path} must have ${length} entries, got ${items.length}`);
  return items.map((x, i) => asNumber(x, `${path}[${i}]`));
}

/** `value` as an array of strings. */
export function asStringArray(value: unknown, path: string): string[] {
  return asArray(value, path).map((x, i) => asString(x, `${path}[${i}]`));
}

/** `value` as an object whose every entry is a finite number (e.g. a metrics map). */
export function asNumberRecord(value: unknown, path: string): Record<string, number> {
  const obj = asObject(value, path);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, asNumber(v, `${path}.${k}`)]));
}
