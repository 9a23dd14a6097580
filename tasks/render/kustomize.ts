// `kustomize: true` deployments: each manifest entry is a kustomization folder built by `kubectl kustomize`.
import { readFile, stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { glob } from 'tinyglobby';
import { parse } from 'yaml';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, type Result } from '../../core/result.ts';
import { foldersUnder, SKIPPED_GLOBS } from './folders.ts';
import { parseManifests, type Locate } from './manifests.ts';
import type { SourcedObject } from './object.ts';
import { firstLines, runProcess } from '../../core/process.ts';

/** How to run kubectl for a build. */
export interface KustomizeOptions {
  projectDir: string;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  locate: Locate;
}

/** The folder of a kustomization entry: DevSpace accepts the folder or its `kustomization.yaml`. */
export function kustomizationDir(entry: string): string {
  const dir = entry.replace(/\*+/g, '').replace(/\/?kustomization\.ya?ml$/i, '');
  return dir === '' ? '.' : dir.replace(/\/$/, '');
}

/** Builds one kustomization (`kubectl kustomize <dir> <args>`) and parses what it prints. */
export async function buildKustomization(
  entry: string,
  args: readonly string[],
  options: KustomizeOptions,
): Promise<Result<SourcedObject[], Diagnostic>> {
  const dir = kustomizationDir(entry);
  const run = await runProcess('kubectl', ['kustomize', dir, ...args], {
    cwd: options.projectDir,
    env: options.env,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!run.ok) return fail(error(run.error.message));
  if (run.value.code !== 0) {
    const detail = firstLines(run.value.stderr.replace(/^error: /i, '')) || `exit code ${run.value.code}`;
    return fail(error(`Cannot build kustomization "${dir}": ${detail}`));
  }
  const parsed = parseManifests(run.value.stdout, `${dir} (kustomize output)`, () => options.locate(dir));
  // kustomize output has no lines worth pointing at in the user's files; keep the folder only.
  return parsed.ok ? { ok: true, value: parsed.value.map((o) => ({ object: o.object })) } : parsed;
}

/** The names kubectl looks for in a kustomization folder, in its order. */
const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * The files a kustomization reads: everything under its folder and under the local folders its
 * `resources`, `bases` and `components` name, followed recursively (remote references are skipped; dsg's
 * `.dsg` and git's `.git` are no input). `onRead` is told (absolute) every folder listed and every
 * kustomization file looked for.
 */
export async function kustomizationFiles(
  projectDir: string,
  entry: string,
  onRead?: (path: string) => void,
): Promise<string[]> {
  const files = new Set<string>();
  const visited = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    const clean = normalize(dir);
    if (visited.has(clean) || clean.startsWith('..')) return;
    visited.add(clean);
    const cwd = join(projectDir, clean);
    onRead?.(cwd);
    // A file resource is listed by its folder; only a folder can hold a kustomization to follow.
    if (!(await stat(cwd).catch(() => undefined))?.isDirectory()) return;
    if (onRead) for (const folder of await foldersUnder(cwd)) onRead(folder);
    const found = await glob('**/*', { cwd, onlyFiles: true, dot: true, ignore: [...SKIPPED_GLOBS] }).catch(
      () => [],
    );
    for (const f of found) files.add(clean === '.' ? f : `${clean}/${f}`);
    for (const ref of await localReferences(projectDir, clean, onRead)) await visit(join(clean, ref));
  };
  await visit(kustomizationDir(entry));
  return [...files].sort();
}

async function localReferences(
  projectDir: string,
  dir: string,
  onRead?: (path: string) => void,
): Promise<string[]> {
  for (const name of KUSTOMIZATION_NAMES) {
    const path = join(projectDir, dir, name);
    onRead?.(path);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      return [];
    }
    if (typeof doc !== 'object' || doc === null) return [];
    const record = doc as Record<string, unknown>;
    return ['resources', 'bases', 'components']
      .flatMap((key) => (Array.isArray(record[key]) ? (record[key] as unknown[]) : []))
      .filter((r): r is string => typeof r === 'string' && !/^[a-z]+:\/\/|^git@|github\.com\//.test(r));
  }
  return [];
}
