/** Plain-text output of the CLI's commands and benchmarks: aligned tables and numbers without float noise. */

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
