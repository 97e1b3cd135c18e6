/** The kinds of game event the extraction rules recognise (gust_log_events_total{event}, CATALOGUE A). */
export const LOG_EVENTS = ['chat', 'death', 'kick', 'ban', 'save', 'warning', 'error', 'crash'] as const;
export type LogEvent = (typeof LOG_EVENTS)[number];
