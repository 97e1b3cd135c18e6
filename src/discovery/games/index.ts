import { ark } from './ark.ts';
import { minecraft } from './minecraft.ts';
import { palworld } from './palworld.ts';
import { rust } from './rust.ts';
import { source } from './source.ts';
import { valheim } from './valheim.ts';
import type { GameProbe } from './types.ts';

export const GAME_PROBES: readonly GameProbe[] = [rust, minecraft, source, valheim, ark, palworld];

/** The games whose server could run under this comm (only their command lines need reading). */
export const probesNamed = (comm: string) => GAME_PROBES.filter((g) => g.comm.test(comm));
