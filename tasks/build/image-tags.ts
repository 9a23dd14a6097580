// Which tags a built image gets: `-t` over `tags:` over the content-addressed default (a prefix of the build key).
import { randomInt } from 'node:crypto';
import type { ImageConfig } from '../../core/config.ts';
import type { RunSettings } from '../../core/task-kind.ts';

/** Hex characters of the build key in the default tag: 48 bits, plenty for the images of one repository. */
export const DEFAULT_TAG_LENGTH = 12;

/** Characters a `#` placeholder becomes (DevSpace's random tag characters). */
const RANDOM_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The default tag: the first hex characters of the build task's key, identical on every machine. */
export function defaultTag(buildKey: string): string {
  const hex = buildKey.replace(/^sha256:/, '').toLowerCase();
  if (!/^[0-9a-f]{12,}$/.test(hex)) throw new Error(`Build key "${buildKey}" is not a hex digest`);
  return hex.slice(0, DEFAULT_TAG_LENGTH);
}

/**
 * The tags of one build, the primary first: `settings.tags` (`-t`) when given, else the image's `tags:`
 * templates, else the default tag. `${NAME}` left in a template is replaced from `vars`, each `#` by a
 * random [a-z0-9] character (DevSpace semantics), duplicates dropped.
 */
export function resolveTags(
  image: ImageConfig,
  buildKey: string,
  settings: Pick<RunSettings, 'tags'>,
  vars: Readonly<Record<string, string>> = {},
  random: (max: number) => number = randomInt,
): string[] {
  const templates =
    settings.tags.length > 0 ? settings.tags : image.tags.length > 0 ? image.tags : [defaultTag(buildKey)];
  const tags = templates.map((t) => fillRandom(substituteVars(t, vars), random));
  return [...new Set(tags)];
}

function substituteVars(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => vars[name] ?? whole);
}

function fillRandom(template: string, random: (max: number) => number): string {
  return template.replace(/#/g, () => RANDOM_CHARS[random(RANDOM_CHARS.length)] ?? 'x');
}
