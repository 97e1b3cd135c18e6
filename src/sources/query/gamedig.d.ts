/** The part of gamedig 5's API the agent uses (the package ships no types). */
declare module 'gamedig' {
  export interface QueryOptions {
    type: string;
    host: string;
    port?: number;
    maxRetries?: number;
    socketTimeout?: number;
    attemptTimeout?: number;
    givenPortOnly?: boolean;
    requestPlayers?: boolean;
    requestRules?: boolean;
  }
  export interface QueryResult {
    name: string;
    map: string;
    password: boolean;
    numplayers: number;
    maxplayers: number;
    players: unknown[];
    bots: unknown[];
    connect: string;
    ping: number;
    queryPort: number;
    version: string;
    raw?: unknown;
  }
  export class GameDig {
    static query(options: QueryOptions): Promise<QueryResult>;
  }
}
