import { z } from 'zod';
import { configSchema } from './schema.ts';
import { passwordFromSchema } from './password-from.ts';

type JsonObject = Record<string, unknown>;

/** config.schema.json for editors (yaml-language-server), from the same zod schema that validates. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as JsonObject;
  // The loader turns `*_file` keys into their secret before validation; editors must know them too.
  const props = (o: JsonObject, ...keys: string[]) => keys.reduce((cur, k) => (cur[k] ?? (cur.items as JsonObject)?.[k]) as JsonObject, o);
  props(schema, 'properties', 'api', 'properties').tokens_file = {
    type: 'string',
    description: 'File with one bearer token a line (instead of tokens); a bare name is looked up in $CREDENTIALS_DIRECTORY',
  };
  const rcon = props(schema, 'properties', 'servers', 'items', 'properties', 'rcon', 'properties');
  rcon.password_file = {
    type: 'string',
    description: 'File holding the RCON password (instead of password); a bare name is looked up in $CREDENTIALS_DIRECTORY',
  };
  const { $schema: _, ...passwordFrom } = z.toJSONSchema(passwordFromSchema, { io: 'input', target: 'draft-7' }) as JsonObject;
  rcon.password_from = passwordFrom;
  return `${JSON.stringify({ ...schema, $id: 'https://gust-agent.invalid/config.schema.json', title: 'gust-agent configuration' }, null, 2)}\n`;
}
