import { GustError } from '../errors.ts';

/** `gust-agent rules` (filled in by the alerting work, issue 6). */
export async function rulesCommand(_args: string[]): Promise<number> {
  throw new GustError('GUST_USAGE', 'rules is not implemented yet');
}
