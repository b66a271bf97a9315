/** Small helpers on typed arrays shared by the vector envs and the learners. */

/** The parts one after another in a new array of type `Type` (e.g. Float32Array, Uint8Array). */
export function concatArrays<A extends Float32Array | Uint8Array>(parts: readonly ArrayLike<number>[], Type: new (length: number) => A): A {
  const out = new Type(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
