/**
 * The shape of a benchmark result and the performance budget (issue 8) each figure is
 * judged against. A figure without a budget is informational (ratios, sizes).
 */
export interface Budget {
  max?: number;
  min?: number;
  /** How the budget reads in the table, e.g. "< 80 MiB". */
  text: string;
}

export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  budget?: Budget;
  /** true/false against the budget; absent when there is no budget or no value. */
  pass?: boolean;
  note?: string;
}

export type ScenarioStatus = 'ok' | 'unavailable' | 'error';

export interface ScenarioOutcome {
  status: ScenarioStatus;
  /** Why a scenario is unavailable or failed. */
  reason?: string;
  figures: Figure[];
  details?: Record<string, unknown>;
}

export interface ScenarioResult extends ScenarioOutcome {
  id: string;
  number: number;
  title: string;
  duration_seconds: number;
}

export interface RunOptions {
  quick: boolean;
  /** Directory for temporary configs, logs and state of this run. */
  workDir: string;
  /** When set, agents run with --cpu-prof and write profiles here. */
  profileDir?: string;
}

export interface Scenario {
  id: string;
  number: number;
  title: string;
  run(options: RunOptions): Promise<ScenarioOutcome>;
}

export const BUDGET = {
  rss50: { max: 80, text: '< 80 MiB' },
  cpu50: { max: 2, text: '< 2 % of a core' },
  scrapeP99at50: { max: 10, text: '< 10 ms' },
  rss2000: { max: 300, text: '< 300 MiB' },
  scrapeP99at2000: { max: 100, text: '< 100 ms' },
  eventP99: { max: 100, text: '< 100 ms' },
  commandOverhead: { max: 1, text: '< 1 ms' },
  logThroughputVsMtail: { min: 5, text: '>= 5x mtail' },
  idleFiles: { max: 1, text: '< 1 % of a core (TAILING 18)' },
} satisfies Record<string, Budget>;

export function figure(name: string, value: number | null, unit: string, budget?: Budget, note?: string): Figure {
  const f: Figure = { name, value, unit };
  if (budget) {
    f.budget = budget;
    if (value !== null && Number.isFinite(value)) {
      f.pass = (budget.max === undefined || value < budget.max) && (budget.min === undefined || value >= budget.min);
    }
  }
  if (note) f.note = note;
  return f;
}

export function unavailable(reason: string): ScenarioOutcome {
  return { status: 'unavailable', reason, figures: [] };
}
