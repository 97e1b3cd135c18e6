import type { GameObservation } from '../../../state/servers.ts';

/** Turns a command's reply into what it says about the server; throws GUST_COMMAND_PARSE when the reply is not the expected format. */
export type ReplyParser = (text: string, nowMs: number) => GameObservation;
