/**
 * The registry of recurrent cores by name (RL2's `core` option); the GRU is built in. A module that defines a core
 * registers it with {@link registerRecurrentCore}.
 */
import { gruCore } from './gru-core.js';
import type { RecurrentCore } from './recurrent-core.js';

const cores = new Map<string, RecurrentCore>([[gruCore.name, gruCore]]);

/** Register a core under its `name` (names are unique; `gru` is built in). */
export function registerRecurrentCore(core: RecurrentCore): void {
  if (cores.has(core.name)) {
    throw new Error(`registerRecurrentCore: a core named '${core.name}' is already registered; choose another name (registered: ${listRecurrentCores().join(', ')}).`);
  }
  cores.set(core.name, core);
}

/** The core registered as `name`, or an Error listing the registered names. */
export function recurrentCore(name: string): RecurrentCore {
  const core = cores.get(name);
  if (!core) throw new Error(`Unknown recurrent core '${name}'. Registered cores: ${listRecurrentCores().join(', ')}.`);
  return core;
}

/** Names of the registered cores, sorted. */
export function listRecurrentCores(): string[] {
  return [...cores.keys()].sort();
}
