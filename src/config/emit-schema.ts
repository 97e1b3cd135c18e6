// `npm run schema`: rewrites config.schema.json (a test checks it is up to date).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../version.ts';
import { configJsonSchema } from './json-schema.ts';

writeFileSync(path.join(ROOT_DIR, 'config.schema.json'), configJsonSchema());
