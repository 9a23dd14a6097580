// Every task kind dsg knows. Adding a kind is one file under tasks/ and one line here.
import { buildKind } from './build.ts';
import { deployKind } from './deploy.ts';
import { renderKind } from './render.ts';
import { tagKind } from './tag.ts';
import type { TaskKindImpl } from './types.ts';

/** The task kinds by name. */
export const taskKinds: ReadonlyMap<string, TaskKindImpl> = new Map(
  [buildKind, tagKind, renderKind, deployKind].map((k) => [k.kind, k]),
);
