// `kustomize: true` deployments: each manifest entry is a kustomization folder built by `kubectl kustomize`.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, type Result } from '../../core/result.ts';
import { foldersUnder, SKIPPED_GLOBS } from './folders.ts';
import {
  kustomizationDir,
  kustomizationsOf,
  readKustomization,
  type KustomizationIo,
} from './kustomization.ts';
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

/**
 * The files a kustomization reads: everything under its folder and under the folders of the kustomizations it
 * names (resources, bases, components), followed recursively by the one reader of their structure, with the
 * resource and patch files they name (remote references are no file; dsg's `.dsg` and git's `.git` are no
 * input). `onRead` is told (absolute) every folder listed and every path looked at.
 */
export async function kustomizationFiles(
  projectDir: string,
  entry: string,
  onRead?: (path: string) => void,
): Promise<string[]> {
  const root = await readKustomization(projectDir, entry, fileSystem(onRead));
  const files = new Set<string>();
  for (const k of kustomizationsOf(root)) {
    const cwd = join(projectDir, k.dir);
    onRead?.(cwd);
    if (onRead) for (const folder of await foldersUnder(cwd)) onRead(folder);
    const found = await glob('**/*', { cwd, onlyFiles: true, dot: true, ignore: [...SKIPPED_GLOBS] }).catch(
      () => [],
    );
    for (const f of found) files.add(k.dir === '.' ? f : `${k.dir}/${f}`);
    for (const r of k.resources) if ('file' in r) files.add(r.file);
    for (const p of k.patches) if (p.file !== undefined) files.add(p.file);
  }
  return [...files].sort();
}

/** The reader's view of the file system for render: plain reads, each path told to `onRead`. */
function fileSystem(onRead?: (path: string) => void): KustomizationIo {
  return {
    text: (path) => {
      onRead?.(path);
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    kind: (path) => {
      onRead?.(path);
      const info = statSync(path, { throwIfNoEntry: false });
      return info?.isFile() ? 'file' : info?.isDirectory() ? 'directory' : undefined;
    },
  };
}
