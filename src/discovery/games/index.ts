import { ark } from './ark.ts';
import { minecraft } from './minecraft.ts';
import { palworld } from './palworld.ts';
import { rust } from './rust.ts';
import { source } from './source.ts';
import { valheim } from './valheim.ts';
import type { GameProbe } from './types.ts';

export const GAME_PROBES: readonly GameProbe[] = [rust, minecraft, source, valheim, ark, palworld];

export function probeFor(comm: string, exe: string, argv: readonly string[]): GameProbe | undefined {
  return GAME_PROBES.find((g) => g.matches(comm, exe, argv));
}
