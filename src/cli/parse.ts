import { GustError } from '../errors.ts';

/** `gust-agent parse` (filled in by the log tailing work, issue 3). */
export async function parseCommand(_args: string[]): Promise<number> {
  throw new GustError('GUST_USAGE', 'parse is not implemented yet');
}
