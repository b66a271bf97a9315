/**
 * `metarl envs [--json]`: list every registered env with its dimensions, horizon, control step and task
 * parameters, as an aligned table or as a JSON array of env cards.
 */
import { envSpec, listEnvs, type EnvCard } from '../envs/index.js';

/** Options of `metarl envs`. */
export interface EnvsCommandOptions {
  /** Print the env cards as a JSON array instead of a table. */
  json?: boolean;
}

/** The env cards of every registered env, in id order. */
export async function envCards(): Promise<EnvCard[]> {
  const cards: EnvCard[] = [];
  for (const id of listEnvs()) cards.push(await envSpec(id).card());
  return cards;
}

/** The text `metarl envs` prints (without the trailing newline). */
export async function envsCommand(options: EnvsCommandOptions = {}): Promise<string> {
  const cards = await envCards();
  return options.json ? JSON.stringify(cards, null, 2) : envsTable(cards);
}

/** Env cards as an aligned table: id, robot, obs dim, act dim, horizon, control dt, task parameters. */
export function envsTable(cards: readonly EnvCard[]): string {
  const header = ['id', 'robot', 'obs dim', 'act dim', 'horizon', 'control dt (s)', 'task parameters'];
  const rows = cards.map((c) => [
    c.id,
    c.robot,
    String(c.observation.dim),
    String(c.action.dim),
    String(c.horizon),
    formatNumber(c.controlDt),
    c.task.parameters.map((p) => `${p.name}: ${p.distribution}`).join('; '),
  ]);
  return formatTable([header, ...rows]);
}

/** Left-aligned columns separated by two spaces; the first row is the header, underlined with dashes. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (r: readonly string[]) => r.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

/** A number to at most 6 significant digits, without float noise (0.020000000000000004 → "0.02"). */
export function formatNumber(x: number): string {
  return String(Number(x.toPrecision(6)));
}
