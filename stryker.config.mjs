/**
 * StrykerJS on the pure modules (`npm run mutate`; not part of `npm test`: minutes per module).
 * One module per Stryker run, each with the test files that decide its branches, so a mutant
 * runs only the tests that can kill it. MUTATE_MODULE picks the module (scripts/mutate.sh loops
 * over all of them). Concurrency 1: the machine is shared.
 */
export const MODULES = {
  splitter: { mutate: ['src/sources/logs/splitter.ts'], tests: ['test/logs/splitter.test.ts'] },
  'text-format': { mutate: ['src/metrics/text-format.ts'], tests: ['test/metrics/text-format.test.ts'] },
  // encodePacket/decodePackets/packetAt: the codec part of the transport (line range).
  'rcon-codec': { mutate: ['src/sources/commands/transports/rcon-codec.ts'], tests: ['test/commands/codec.test.ts'] },
  thresholds: { mutate: ['src/alerts/thresholds.ts'], tests: ['test/alerts/rules.test.ts'] },
  config: { mutate: ['src/config/*.ts', '!src/config/emit-schema.ts'], tests: ['test/config/schema.test.ts', 'test/config/password-from.test.ts', 'test/config/load.test.ts', 'test/config/units.test.ts'] },
  parsers: { mutate: ['src/sources/commands/parsers/*.ts'], tests: ['test/commands/parsers.test.ts', 'test/commands/parser-selection.test.ts'] },
  extract: {
    mutate: ['src/extract/**/*.ts'], tests: [
      'test/extract/golden.test.ts',
      'test/extract/formats.test.ts',
      'test/extract/claims.test.ts',
      'test/extract/players-online.test.ts',
      'test/extract/builtin.test.ts',
      'test/extract/engine.test.ts',
      'test/extract/user-rules.test.ts',
      'test/extract/multiline.test.ts',
      'test/extract/series.test.ts',
    ],
  },
};

const name = process.env.MUTATE_MODULE ?? 'splitter';
const module = MODULES[name];
if (!module) throw new Error(`MUTATE_MODULE=${name}: one of ${Object.keys(MODULES).join(', ')}`);

export default {
  testRunner: 'tap',
  tap: {
    testFiles: module.tests,
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap'],
    forceBail: true,
  },
  plugins: ['@stryker-mutator/tap-runner'],
  mutate: module.mutate,
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 10_000,
  ignorePatterns: ['bench/results', 'reports', 'dist', '.state'],
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  // `--incremental` reuses the results of mutants whose code and tests did not change; one file
  // per module (a shared one would hold only the module run last).
  incrementalFile: `reports/stryker-incremental-${name}.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
