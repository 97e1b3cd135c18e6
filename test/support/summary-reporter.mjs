/**
 * A node:test reporter for test/run.sh: writes one JSON summary (which files ran tests, and the
 * runner's own totals) so the script can fail a run that skipped, left todo, or silently ran
 * fewer files than git tracks. Plain JavaScript: the runner loads reporters without tsx.
 */
export default async function* summary(source) {
  const files = new Map(); // file -> tests that passed or failed in it
  const totals = {};
  const notes = [];
  for await (const event of source) {
    const { type, data } = event;
    if ((type === 'test:pass' || type === 'test:fail') && data.file) {
      // A file that registers no test is reported as one test named after the file.
      const own = data.name !== data.file;
      files.set(data.file, (files.get(data.file) ?? 0) + (own ? 1 : 0));
      if (data.skip !== undefined) notes.push(`skipped: ${data.file}: ${data.name}`);
      if (data.todo !== undefined) notes.push(`todo: ${data.file}: ${data.name}`);
    } else if (type === 'test:diagnostic' && data.nesting === 0) {
      const m = /^(tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(data.message);
      if (m) totals[m[1]] = Number(m[2]);
    }
  }
  yield `${JSON.stringify({ files: Object.fromEntries(files), totals, notes }, null, 1)}\n`;
}
