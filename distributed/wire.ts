/**
 * Job payloads as JSON (BullMQ stores job data and results with JSON.stringify): typed arrays travel as base64 of
 * their bytes, so every float comes back bit for bit (JSON numbers would turn a Float32Array into an object of
 * decimal strings, 3-4x larger).
 */

/** A typed array on the wire: its kind and its little-endian bytes in base64. */
interface WireArray {
  $typed: 'f32' | 'f64' | 'u8' | 'i32';
  base64: string;
}

const KINDS = {
  f32: Float32Array,
  f64: Float64Array,
  u8: Uint8Array,
  i32: Int32Array,
} as const;

type Kind = keyof typeof KINDS;

function kindOf(value: unknown): Kind | undefined {
  for (const [kind, ctor] of Object.entries(KINDS)) if (value instanceof ctor) return kind as Kind;
  return undefined;
}

/** `value` with every typed array inside it (at any depth) replaced by its {@link WireArray}. */
export function toWire(value: unknown): unknown {
  const kind = kindOf(value);
  if (kind) {
    const a = value as Float32Array;
    return { $typed: kind, base64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') } satisfies WireArray;
  }
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  return value;
}

/** The inverse of {@link toWire}: {@link WireArray}s back to typed arrays (fresh, aligned copies). */
export function fromWire<T>(value: unknown): T {
  return decode(value) as T;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value === null || typeof value !== 'object') return value;
  const wire = value as Partial<WireArray>;
  if (typeof wire.$typed === 'string' && typeof wire.base64 === 'string' && wire.$typed in KINDS) {
    const bytes = Buffer.from(wire.base64, 'base64');
    const ctor = KINDS[wire.$typed];
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return new ctor(copy.buffer, 0, bytes.length / ctor.BYTES_PER_ELEMENT);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
}
