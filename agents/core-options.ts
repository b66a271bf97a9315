/**
 * Core-specific settings of a recurrent core (RL2's `coreOptions`, e.g. `{ "memorySlots": 16 }`): each core declares
 * the numbers it takes with their defaults and ranges, and {@link resolveCoreOptions} fills in defaults and rejects
 * unknown names and out-of-range values with one line naming the fix.
 */

/** Resolved settings of a core by name: every declared option has a value. */
export type CoreOptions = Readonly<Record<string, number>>;

/** One numeric setting a core takes. */
export interface CoreOptionSpec {
  /** Value when the config does not name it. */
  default: number;
  /** Smallest allowed value. */
  min: number;
  /** Largest allowed value. */
  max: number;
  /** Whole numbers only (a count or a size). */
  integer?: boolean;
  /** What it sets, with units, for error messages and `metarl learners`. */
  doc: string;
}

/** The declared settings of a core by option name. */
export type CoreOptionSpecs = Readonly<Record<string, CoreOptionSpec>>;

/**
 * Defaults filled in and every value checked against `specs`.
 * @throws an Error naming the core, the option and its valid range (or the known names, for an unknown one).
 */
export function resolveCoreOptions(coreName: string, specs: CoreOptionSpecs = {}, given: Readonly<Record<string, number>> = {}): CoreOptions {
  const known = Object.keys(specs);
  for (const name of Object.keys(given)) {
    if (!(name in specs)) {
      const list = known.length > 0 ? `it takes ${known.join(', ')}` : 'it takes none';
      throw new Error(`RL2: coreOptions.${name} is not an option of core '${coreName}' (${list}); remove it or pick another core.`);
    }
  }
  const resolved: Record<string, number> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given[name] ?? spec.default;
    const kind = spec.integer ? 'an integer' : 'a number';
    if (!Number.isFinite(value) || value < spec.min || value > spec.max || (spec.integer && !Number.isInteger(value))) {
      throw new Error(`RL2: coreOptions.${name} of core '${coreName}' (${spec.doc}) must be ${kind} in [${spec.min}, ${spec.max}], got ${value}.`);
    }
    resolved[name] = value;
  }
  return resolved;
}
