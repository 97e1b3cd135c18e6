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

/** One row per figure, one value column per run (Node.js version), the budget and each run's verdict. */
export function renderColumns(runs: Array<{ node: string; scenarios: ScenarioResult[] }>, markdown: boolean): string {
  const header = ['#', 'scenario', 'figure', ...runs.map((r) => `node ${r.node}`), 'budget', 'result'];
  const rows: string[][] = [];
  const keys: string[] = [];
  const cells = new Map<string, { number: number; id: string; name: string; budget: string; values: string[]; verdicts: string[] }>();
  runs.forEach((run, i) => {
    for (const r of run.scenarios) {
      const figures = r.status === 'ok' ? r.figures : [{ name: r.status, value: null, unit: '', note: r.reason }, ...r.figures];
      for (const f of figures as ScenarioResult['figures']) {
        const key = `${r.id}\u0000${f.name}`;
        let row = cells.get(key);
        if (!row) {
          row = { number: r.number, id: r.id, name: f.name, budget: f.budget?.text ?? '', values: runs.map(() => '-'), verdicts: runs.map(() => '') };
          cells.set(key, row);
          keys.push(key);
        }
        row.values[i] = f.value === null ? (f.note ?? 'n/a').slice(0, 60) : `${f.value} ${f.unit}`;
        row.verdicts[i] = f.pass === undefined ? '' : f.pass ? 'pass' : markdown ? '**FAIL**' : 'FAIL';
      }
    }
  });
  for (const key of keys) {
    const c = cells.get(key)!;
    const verdict = c.verdicts.some(Boolean) ? c.verdicts.map((v) => v || '-').join(' / ') : '';
    rows.push([String(c.number), c.id, c.name, ...c.values, c.budget, verdict]);
  }
  if (markdown) return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
