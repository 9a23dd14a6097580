// Validated v2beta1 `images` → ImageConfig[], with DevSpace's defaults filled in.
import process from 'node:process';
import type { SourceLocation } from '../../core/diagnostics.ts';
import type { DiagSink } from './diag-sink.ts';
import { locate, type TreeNode } from './tree.ts';
import type { BuilderConfig, ImageConfig } from '../../core/config.ts';
import type { Json } from '../../core/json.ts';

type Obj = { [key: string]: Json };

/** Reads a string field. */
export function s(o: Obj, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a list of strings (already validated). */
export function list(o: Obj, k: string): string[] {
  const v = o[k];
  return Array.isArray(v) ? v.map(scalarText) : [];
}

/** A scalar as text (validated data has no nested values where this is used). */
export function scalarText(v: Json): string {
  return v === null || typeof v === 'object' ? '' : String(v);
}

/** Reads a boolean field. */
export function bool(o: Obj, k: string): boolean | undefined {
  const v = o[k];
  return typeof v === 'boolean' ? v : undefined;
}

/** Reads a mapping field. */
export function obj(o: Obj, k: string): Obj | undefined {
  const v = o[k];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Where `section.name` was written (direct lookups: this runs for every image and deployment). */
export function keyLocation(tree: TreeNode, section: string, name: string): SourceLocation {
  const s = tree.kind === 'map' ? tree.entries.get(section)?.value : undefined;
  const e = s?.kind === 'map' ? s.entries.get(name) : undefined;
  return e?.keyLoc ?? e?.value.loc ?? tree.loc ?? { file: '', line: 1, col: 1 };
}

/** Names become task ids (`build:NAME`), so they may not hold separators. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Names of `images` entries with nothing in them (`api:` alone, or `api: {}`); the JSON has dropped nulls. */
function emptyImages(tree: TreeNode): string[] {
  const section = tree.kind === 'map' ? tree.entries.get('images')?.value : undefined;
  if (section?.kind !== 'map') return [];
  return [...section.entries]
    .filter(
      ([, e]) =>
        (e.value.kind === 'scalar' && e.value.value === null) ||
        (e.value.kind === 'map' && e.value.entries.size === 0),
    )
    .map(([name]) => name);
}

/** Builds the ImageConfig list from the validated `images` mapping. */
export function normalizeImages(images: Obj | undefined, tree: TreeNode, sink: DiagSink): ImageConfig[] {
  const out: ImageConfig[] = [];
  const empty = emptyImages(tree);
  for (const name of empty) {
    // DevSpace refuses these too ("images.api is empty and should at least contain an image name").
    sink.error(
      `Image "${name}" is empty: it needs at least an \`image\` name`,
      keyLocation(tree, 'images', name),
      `e.g. \`image: registry.example.com/${name}\``,
    );
  }
  for (const [name, raw] of Object.entries(images ?? {})) {
    if (empty.includes(name)) continue;
    const at = keyLocation(tree, 'images', name);
    const img = raw as Obj;
    if (!NAME_PATTERN.test(name)) {
      sink.error(`Image name "${name}" is not valid: use letters, digits, ".", "_" and "-"`, at);
      continue;
    }
    const builder = builderOf(name, img, at, tree, sink);
    if (!builder) continue;
    const image: ImageConfig = {
      name,
      at,
      image: s(img, 'image') ?? '',
      tags: list(img, 'tags'),
      dockerfile: s(img, 'dockerfile') ?? './Dockerfile',
      context: s(img, 'context') ?? './',
      buildArgs: buildArgs(name, obj(img, 'buildArgs'), tree, sink),
      appendDockerfileInstructions: list(img, 'appendDockerfileInstructions'),
      rebuildStrategy: (s(img, 'rebuildStrategy') as ImageConfig['rebuildStrategy'] | undefined) ?? 'default',
      skipPush: bool(img, 'skipPush') ?? false,
      builder,
    };
    const target = s(img, 'target');
    if (target) image.target = target;
    const network = s(img, 'network');
    if (network) image.network = network;
    if (Array.isArray(img['entrypoint'])) image.entrypoint = list(img, 'entrypoint');
    if (Array.isArray(img['cmd'])) image.cmd = list(img, 'cmd');
    out.push(image);
  }
  return out;
}

function buildArgs(
  name: string,
  args: Obj | undefined,
  tree: TreeNode,
  sink: DiagSink,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args ?? {})) {
    if (v === null) {
      sink.warn(
        `Build arg "${k}" of image "${name}" has no value and is not passed: give it a value`,
        locate(tree, ['images', name, 'buildArgs', k]),
      );
    } else out[k] = scalarText(v);
  }
  return out;
}

function builderOf(
  name: string,
  img: Obj,
  at: SourceLocation,
  tree: TreeNode,
  sink: DiagSink,
): BuilderConfig | undefined {
  const custom = obj(img, 'custom');
  if (!custom) return { kind: 'docker' };
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const perOs = Array.isArray(custom['commands']) ? (custom['commands'] as Obj[]) : [];
  const chosen = perOs.find((c) => {
    const os = s(c, 'os');
    return (
      !os ||
      os
        .split(',')
        .map((x) => x.trim())
        .includes(platform)
    );
  });
  const command = (chosen && s(chosen, 'command')) ?? s(custom, 'command');
  if (!command) {
    sink.error(
      `Image "${name}" has a custom build without \`command\``,
      locate(tree, ['images', name, 'custom']) ?? at,
    );
    return undefined;
  }
  const builder: BuilderConfig = {
    kind: 'custom',
    command,
    args: list(custom, 'args'),
    appendArgs: list(custom, 'appendArgs'),
    onChange: list(custom, 'onChange'),
    // v2beta1 leaves the image argument off unless `skipImageArg: false` (v1 conversion spells that out).
    skipImageArg: bool(custom, 'skipImageArg') ?? true,
    imageTagOnly: bool(custom, 'imageTagOnly') ?? false,
  };
  const flag = s(custom, 'imageFlag');
  if (flag) builder.imageFlag = flag;
  return builder;
}
