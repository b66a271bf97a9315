/**
 * `metarl envs [--json] [--id <env>]`: list every registered env with its dimensions, horizon, control step, task
 * parameters and reference task, as an aligned table or as a JSON array of env cards; with an id, one env in detail
 * (reference, reward terms and every deliberate difference from the reference).
 */
import { envSpec, listEnvs, type EnvCard } from '../envs/index.js';
import { formatNumber, formatTable } from './text-table.js';

/** Options of `metarl envs`. */
export interface EnvsCommandOptions {
  /** Print the env cards as a JSON array instead of a table. */
  json?: boolean;
  /** Show this env in detail (with `json`: its card alone). */
  id?: string;
}

/** The env cards of every registered env, in id order. */
export async function envCards(): Promise<EnvCard[]> {
  const cards: EnvCard[] = [];
  for (const id of listEnvs()) cards.push(await envSpec(id).card());
  return cards;
}

/** The text `metarl envs` prints (without the trailing newline). An unknown `id` throws, listing the valid ones. */
export async function envsCommand(options: EnvsCommandOptions = {}): Promise<string> {
  if (options.id !== undefined) {
    const card = await envSpec(options.id).card();
    return options.json ? JSON.stringify(card, null, 2) : envDetails(card);
  }
  const cards = await envCards();
  return options.json ? JSON.stringify(cards, null, 2) : envsTable(cards);
}

/** The short name of a reference: its text before the first " (" or ":" ("MAML HalfCheetahVel"). */
export function shortReference(reference: string): string {
  return reference.split(/ \(|:/)[0].trim();
}

/** Env cards as an aligned table: id, robot, obs dim, act dim, horizon, control dt, reference, task parameters. */
export function envsTable(cards: readonly EnvCard[]): string {
  const header = ['id', 'robot', 'obs dim', 'act dim', 'horizon', 'control dt (s)', 'reference', 'task parameters'];
  const rows = cards.map((c) => [
    c.id,
    c.robot,
    String(c.observation.dim),
    String(c.action.dim),
    String(c.horizon),
    formatNumber(c.controlDt),
    shortReference(c.reference),
    c.task.parameters.map((p) => `${p.name}: ${p.distribution}`).join('; '),
  ]);
  return formatTable([header, ...rows]);
}

/** One env in detail: description, reference, reward terms, success, task parameters and numbered differences. */
export function envDetails(card: EnvCard): string {
  return [
    `${card.id}: ${card.description}`,
    `reference: ${card.reference}`,
    'reward terms:',
    ...card.rewardTerms.map((t) => `  ${t.name}: ${t.description ?? ''}`),
    ...(card.success ? [`success: ${card.success}`] : []),
    'task parameters:',
    ...card.task.parameters.map((p) => `  ${p.name} [${p.size}] (${p.units}): ${p.distribution}`),
    `differences from the reference (${card.differences.length}):`,
    ...card.differences.map((d, i) => `  ${i + 1}. ${d}`),
    `card hash: ${card.hash}`,
  ].join('\n');
}

/** The README's fidelity table (markdown): env, reference, differences (one per line of the cell). */
export function fidelityMarkdown(cards: readonly EnvCard[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    '| env | reference | differences |',
    '|---|---|---|',
    ...cards.map((c) => `| ${c.id} | ${cell(c.reference)} | ${c.differences.map((d) => `• ${cell(d)}`).join('<br>')} |`),
  ].join('\n');
}
