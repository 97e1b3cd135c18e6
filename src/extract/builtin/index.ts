import type { Game } from '../../config/schema.ts';
import type { BuiltinRuleSet } from '../rules.ts';
import { ark } from './ark.ts';
import { generic } from './generic.ts';
import { minecraft } from './minecraft.ts';
import { palworld } from './palworld.ts';
import { rust } from './rust.ts';
import { source } from './source.ts';
import { valheim } from './valheim.ts';

export const BUILTIN_RULES: Record<Game, BuiltinRuleSet> = { rust, minecraft, source, valheim, ark, palworld, generic };
