/**
 * The registry of recurrent cores by name (RL2's `core` option); the GRU is built in. A module that defines a core
 * registers it with {@link registerRecurrentCore}.
 */
import { attentionCore } from './attention-core.js';
import { resolveCoreOptions } from './core-options.js';
import { gruCore } from './gru-core.js';
import { mannCore } from './mann-core.js';
import { metanetCore } from './metanet-core.js';
import type { RecurrentCore } from './recurrent-core.js';

const cores = new Map<string, RecurrentCore>([[gruCore.name, gruCore], [mannCore.name, mannCore], [attentionCore.name, attentionCore], [metanetCore.name, metanetCore]]);

/** Register a core under its `name` (names are unique; `gru` is built in). */
export function registerRecurrentCore(core: RecurrentCore): void {
  if (cores.has(core.name)) {
    throw new Error(`registerRecurrentCore: a core named '${core.name}' is already registered; choose another name (registered: ${listRecurrentCores().join(', ')}).`);
  }
  cores.set(core.name, core);
}

/**
 * The core registered as `name`, set up with `options` (its own settings, e.g. `{ memorySlots: 16 }`; defaults
 * filled in, ranges checked: agents/core-options.ts).
 * @throws an Error listing the registered names for an unknown core, or naming the option for a bad setting.
 */
export function recurrentCore(name: string, options: Readonly<Record<string, number>> = {}): RecurrentCore {
  const core = cores.get(name);
  if (!core) throw new Error(`Unknown recurrent core '${name}'. Registered cores: ${listRecurrentCores().join(', ')}.`);
  const resolved = resolveCoreOptions(name, core.options, options);
  return core.configure ? core.configure(resolved) : core;
}

/** Names of the registered cores, sorted. */
export function listRecurrentCores(): string[] {
  return [...cores.keys()].sort();
}
