// Tag replacement: the images this run built take the place of their bare names. In manifests only `image:`
// keys change (anywhere in the object, as DevSpace does); in helm/component values any string does, and a
// map that splits `repository` and `tag` gets its `tag` set instead, so no chart ever renders `repo:tag:tag`.
// A reference that already carries a tag or digest is the user's choice and stays, unless told otherwise.
import type { Json } from '../../core/json.ts';
import { parseImageRef } from '../../core/image-ref.ts';
import { isObject } from './object.ts';

/** A built image as render sees it: the `images:` name, its repository and the tag to deploy. */
export interface BuiltImage {
  name: string;
  image: string;
  tag: string;
}

/** Options of tag replacement. */
export interface ReplaceOptions {
  /** Also replace references that already carry a tag (`image: api:1.2`); off by default. */
  replaceExplicitTags?: boolean;
}

/** One replacement made, for the task log: `api -> 127.0.0.1:5000/api:3f2a`. */
export type Replacement = string;

/** Replaces bare image names in the `image:` keys of a manifest object. */
export function replaceImageKeys(
  value: Json,
  images: readonly BuiltImage[],
  options: ReplaceOptions,
  made: Replacement[] = [],
): Json {
  if (Array.isArray(value)) return value.map((item) => replaceImageKeys(item, images, options, made));
  if (!isObject(value)) return value;
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      key === 'image' && typeof child === 'string'
        ? replaceString(child, images, options, made)
        : replaceImageKeys(child, images, options, made);
  }
  return out;
}

/** Replaces bare image names in any string of helm or component values, handling `repository` + `tag` maps. */
export function replaceInValues(
  value: Json,
  images: readonly BuiltImage[],
  options: ReplaceOptions,
  made: Replacement[] = [],
): Json {
  if (typeof value === 'string') return replaceString(value, images, options, made);
  if (Array.isArray(value)) return value.map((item) => replaceInValues(item, images, options, made));
  if (!isObject(value)) return value;
  const out: { [key: string]: Json } = {};
  const split = splitRepository(value, images);
  for (const [key, child] of Object.entries(value)) {
    if (split && (key === split.repoKey || key === 'registry' || key === 'tag')) {
      out[key] = child;
      continue;
    }
    out[key] = replaceInValues(child, images, options, made);
  }
  if (split) {
    const current = value['tag'];
    const explicit = typeof current === 'string' && current !== '' && current !== split.image.tag;
    if (!explicit || options.replaceExplicitTags) {
      out['tag'] = split.image.tag;
      made.push(`${split.repoKey}: ${split.repository} + tag: ${split.image.tag}`);
    }
  }
  return out;
}

/**
 * The replacements `replaceInValues` would make in a chart's own default values, as overrides to put under the
 * deployment's values (undefined when there are none). Where the deployment's values set a value themselves — or,
 * in a repository and tag map, its repository, registry or tag — they win, as helm would have it, and the default
 * is left alone.
 */
export function defaultOverrides(
  defaults: Json,
  user: Json | undefined,
  images: readonly BuiltImage[],
  options: ReplaceOptions,
  made: Replacement[] = [],
): Json | undefined {
  if (user !== undefined && !(isObject(defaults) && isObject(user))) return undefined;
  if (typeof defaults === 'string') {
    const replaced = replaceString(defaults, images, options, made);
    return replaced === defaults ? undefined : replaced;
  }
  if (Array.isArray(defaults)) {
    const here: Replacement[] = [];
    const replaced = replaceInValues(defaults, images, options, here);
    made.push(...here);
    return here.length > 0 ? replaced : undefined;
  }
  if (!isObject(defaults)) return undefined;
  const mine = isObject(user) ? user : {};
  const out: { [key: string]: Json } = {};
  const split = splitRepository(defaults, images);
  for (const [key, child] of Object.entries(defaults)) {
    if (split && (key === split.repoKey || key === 'registry' || key === 'tag')) continue;
    const override = defaultOverrides(child, mine[key], images, options, made);
    if (override !== undefined) out[key] = override;
  }
  const userSets = [split?.repoKey ?? '', 'registry', 'tag'].some((k) => mine[k] !== undefined);
  if (split && !userSets) {
    const current = defaults['tag'];
    const explicit = typeof current === 'string' && current !== '' && current !== split.image.tag;
    if (!explicit || options.replaceExplicitTags) {
      out['tag'] = split.image.tag;
      made.push(`${split.repoKey}: ${split.repository} + tag: ${split.image.tag}`);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Finds the repository key of an image map (`repository`, `repo`, or `image`/`name` beside a `tag`). */
function splitRepository(
  map: { [key: string]: Json },
  images: readonly BuiltImage[],
): { repoKey: string; repository: string; image: BuiltImage } | undefined {
  const candidates = ['repository', 'repo', ...('tag' in map ? ['image', 'name'] : [])];
  const repoKey = candidates.find((k) => typeof map[k] === 'string');
  if (!repoKey) return undefined;
  const registry = typeof map['registry'] === 'string' && map['registry'] !== '' ? `${map['registry']}/` : '';
  const repository = `${registry}${map[repoKey] as string}`;
  const ref = parseImageRef(repository);
  if (!ref || ref.tag !== undefined || ref.digest !== undefined) return undefined;
  const image = findImage(ref.normalized, images);
  return image ? { repoKey, repository, image } : undefined;
}

function replaceString(
  value: string,
  images: readonly BuiltImage[],
  options: ReplaceOptions,
  made: Replacement[],
): string {
  const ref = parseImageRef(value);
  if (!ref || ref.digest !== undefined) return value;
  if (ref.tag !== undefined && !options.replaceExplicitTags) return value;
  const image = findImage(ref.normalized, images);
  if (!image) return value;
  const replaced = `${image.image}:${image.tag}`;
  if (replaced !== value) made.push(`${value} -> ${replaced}`);
  return replaced;
}

function findImage(normalized: string, images: readonly BuiltImage[]): BuiltImage | undefined {
  return images.find((i) => parseImageRef(i.image)?.normalized === normalized);
}
