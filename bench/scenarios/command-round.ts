/**
 * Scenario 4: command round at 500 and 2,000 fake servers with max_concurrent 50 — round
 * duration and per-command overhead beyond the fake's own delay. The measurement lives with
 * the commands work in bench/commands; this scenario runs it when it exists.
 */
import { benchModules } from '../lib/delegate.ts';
import { unavailable, type Scenario } from '../lib/result.ts';

export const commandRound: Scenario = {
  id: 'commands',
  number: 4,
  title: 'Command round at 500 / 2,000 fake servers, max_concurrent 50',
  async run() {
    if (benchModules('commands').length === 0) return unavailable('bench/commands (owned by the auto-commands work) has no benchmark yet');
    return unavailable('bench/commands exists but exposes no entry point this suite knows');
  },
};
