/**
 * Answers the API gets from other components without importing them: a component registers
 * its provider here when it starts and removes it when it stops. Without a provider the
 * route answers 503 (or, for /alerts, an empty list marked unavailable).
 *
 * POST /servers/:id/refresh uses the command source's own registration
 * (src/sources/commands/refresh.ts), so it is not repeated here.
 */
export interface ApiProviders {
  /** Active alerts of the in-agent evaluator (GET /api/v1/alerts), as JSON-serialisable objects. */
  alerts?: () => unknown[];
}

export const apiProviders: ApiProviders = {};
