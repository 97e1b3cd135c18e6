/** Prints results as a plain-text table: one row per figure, pass/fail against the budget. */
import type { ScenarioResult } from './result.ts';

export function renderTable(results: ScenarioResult[]): string {
  const rows: string[][] = [['#', 'scenario', 'figure', 'value', 'budget', 'result']];
  for (const r of results) {
    if (r.status !== 'ok') {
      rows.push([String(r.number), r.id, r.status, '-', '-', (r.reason ?? '').slice(0, 90)]);
    }
    for (const f of r.figures) {
      const value = f.value === null ? 'n/a' : `${f.value} ${f.unit}`;
      const result = f.pass === undefined ? (f.note ?? '') : f.pass ? 'PASS' : 'FAIL';
      rows.push([String(r.number), r.id, f.name, value, f.budget?.text ?? '', result]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The same rows as a Markdown table, for docs/benchmarks.md. */
export function renderMarkdown(results: ScenarioResult[]): string {
  const rows = ['| # | Scenario | Figure | Value | Budget | Result |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of results) {
    if (r.status !== 'ok') rows.push(`| ${r.number} | ${r.id} | ${r.status} | | | ${r.reason ?? ''} |`);
    for (const f of r.figures) {
      const value = f.value === null ? 'n/a' : `${f.value} ${f.unit}`;
      const result = f.pass === undefined ? (f.note ?? '') : f.pass ? 'pass' : '**FAIL**';
      rows.push(`| ${r.number} | ${r.id} | ${f.name} | ${value} | ${f.budget?.text ?? ''} | ${result} |`);
    }
  }
  return rows.join('\n');
}
