/**
 * Scenario 6: log backfill and live tail versus Debian's mtail. The measurement lives with
 * the log-tailing work in bench/logs; this scenario runs it when it exists.
 */
import { benchModules } from '../lib/delegate.ts';
import { unavailable, type Scenario } from '../lib/result.ts';

export const logThroughput: Scenario = {
  id: 'logs',
  number: 6,
  title: 'Log backfill and live tail versus mtail (lines per CPU-second)',
  async run() {
    if (benchModules('logs').length === 0) return unavailable('bench/logs (owned by the log-tailing work) has no benchmark yet');
    return unavailable('bench/logs exists but exposes no entry point this suite knows');
  },
};
