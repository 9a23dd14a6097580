// Everything `dsg graph` read to compile a project, as stamps, and whether its output may be memoised at
// all. The list mirrors what the config loader (load.ts, load-project.ts, dotenv.ts, dependencies.ts) and
// the compiler (compile.ts, image-refs.ts) read; it may hold more than they read, never less.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProjectConfig } from '../../core/config.ts';
import { stampDir, stampFile, stampTree, type FileStamp, type InputStamps } from './input-stamps.ts';

/** The stamps of a compile's inputs, or why its output must not be memoised. */
export type GraphInputs = { ok: true; stamps: InputStamps } | { ok: false; reason: string };

/** Config text that makes the output differ between runs: commands, prompts, random, time, git state. */
const VOLATILE: readonly [RegExp, string][] = [
  [/\$\(/, 'a $(...) expression'],
  [/source["']?\s*:\s*["']?(input|command)\b/, 'a variable from input or a command'],
  [/DEVSPACE_(RANDOM|TIMESTAMP|GIT)|devspace\.(random|timestamp|git)/, 'a random, time or git variable'],
];

const VOLATILE_VARS =
  /^(DEVSPACE_(RANDOM|TIMESTAMP|GIT_COMMIT|GIT_BRANCH)|devspace\.(random|timestamp|git\..*))$/;

/** At most this many paths under glob bases: a larger tree is not worth stamping. */
const GLOB_WALK_LIMIT = 5000;

/** Matches what compile.ts / image-refs.ts treat as a possible glob. */
const GLOB_CHARS = /[*?[\]{}()!@+\\]/;

/**
 * Stamps the inputs of the compiled `root` (and every project it depends on); `cwd` is where dsg ran.
 * `ignoredEnv` are environment names left out of the cache key: a config that names one is not memoised.
 */
export function graphInputs(root: ProjectConfig, cwd: string, ignoredEnv: readonly string[]): GraphInputs {
  const stamps: InputStamps = { files: [], dirs: [] };
  // Many images share one path (a default Dockerfile that is not there): each is stamped once.
  const stamped = new Map<string, FileStamp>();
  const file = (path: string): FileStamp => {
    let stamp = stamped.get(path);
    if (!stamp) {
      stamp = stampFile(path);
      stamped.set(path, stamp);
      stamps.files.push(stamp);
    }
    return stamp;
  };
  // The loader reads `.env` beside the root config only.
  file(join(root.dir, '.env'));
  for (const project of allProjects(root)) {
    const configFile = resolve(cwd, project.file);
    const stamp = file(configFile);
    if (stamp[1] !== 'f') return { ok: false, reason: `config file "${project.file}" is not a file` };
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch {
      return { ok: false, reason: `config file "${project.file}" cannot be read` };
    }
    const volatile = volatileText(text, ignoredEnv);
    if (volatile) return { ok: false, reason: `"${project.file}" uses ${volatile}` };
    const used = Object.keys(project.vars).find((n) => VOLATILE_VARS.test(n));
    if (used) return { ok: false, reason: `"${project.file}" uses variable "${used}"` };
    for (const image of project.images) file(join(project.dir, image.dockerfile));
    for (const d of project.deployments) {
      if (d.type === 'helm') for (const rel of d.valuesFiles) file(join(project.dir, rel));
      if (d.type !== 'kubectl') continue;
      for (const entry of d.manifests) {
        if (GLOB_CHARS.test(entry)) {
          const walked = walkGlobBase(project.dir, entry, stamps);
          if (!walked) return { ok: false, reason: `manifest glob "${entry}" covers too many files` };
          continue;
        }
        const path = join(project.dir, entry);
        const stamp = file(path);
        if (stamp[1] !== 'd') continue;
        const listing = stampDir(path, '\\.ya?ml$');
        stamps.dirs.push(listing);
        for (const name of listing.names ?? []) file(join(path, name));
      }
    }
  }
  return { ok: true, stamps };
}

/** The reason `text` makes output volatile, or undefined. */
export function volatileText(text: string, ignoredEnv: readonly string[]): string | undefined {
  for (const [re, what] of VOLATILE) if (re.test(text)) return what;
  if (loadTimeCommand(text)) return 'a command';
  for (const name of ignoredEnv) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|[^A-Za-z0-9_.-])${escaped}([^A-Za-z0-9_.-]|$)`, 'm').test(text))
      return `the environment variable "${name}"`;
  }
  return undefined;
}

const KEY_LINE = /^(\s*)(-\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*:(?=\s|$)/;
const COMMAND_KEY = /\bcommands?["']?\s*:/;

/** Sections whose commands run during a build, a deploy or `devspace run`, never while the config loads. */
const RUN_TIME_SECTIONS = new Set(['images', 'deployments', 'hooks', 'commands', 'pipelines', 'dev']);

/**
 * True when a `command:` key may run at load time: a variable's command, or anything unclear (flow style, a
 * profile patch). Commands under images (custom builders), deployments (container commands in values),
 * hooks, commands, pipelines and dev run later, and their text is part of some key anyway.
 */
function loadTimeCommand(text: string): boolean {
  if (!COMMAND_KEY.test(text)) return false;
  const parents: { indent: number; key: string }[] = [];
  for (const line of text.split('\n')) {
    const m = KEY_LINE.exec(line);
    if (!m) {
      if (COMMAND_KEY.test(line)) return true;
      continue;
    }
    const indent = (m[1] ?? '').length + (m[2] ?? '').length;
    while ((parents[parents.length - 1]?.indent ?? -1) >= indent) parents.pop();
    const key = m[3] ?? '';
    if (key === 'command' || key === 'commands') {
      const chain = parents.map((p) => p.key);
      const runTime = key === 'commands' && parents.length === 0 && indent === 0;
      const under = !chain.includes('vars') && chain.some((k) => RUN_TIME_SECTIONS.has(k));
      if (!runTime && !under) return true;
    }
    if (COMMAND_KEY.test(line.slice(m[0].length))) return true;
    parents.push({ indent, key });
  }
  return false;
}

function allProjects(root: ProjectConfig): ProjectConfig[] {
  const seen = new Set<ProjectConfig>([root]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    for (const d of queue[i]?.dependencies ?? []) {
      if (seen.has(d.project)) continue;
      seen.add(d.project);
      queue.push(d.project);
    }
  }
  return queue;
}

/**
 * Stamps every directory and file under the static base of glob `pattern`: more than the glob matches, so
 * that any file that starts or stops matching changes a stamp.
 */
function walkGlobBase(projectDir: string, pattern: string, stamps: InputStamps): boolean {
  const parts = pattern.replace(/^!/, '').split('/');
  const first = parts.findIndex((p) => GLOB_CHARS.test(p));
  const base = resolve(projectDir, parts.slice(0, first < 0 ? parts.length - 1 : first).join('/'));
  // The state folder changes on every run and git's folder often; only a pattern naming them looks inside.
  const skip = new Set(['.dsg', '.git'].filter((n) => !pattern.includes(n)));
  return stampTree(base, stamps, { skip, limit: GLOB_WALK_LIMIT });
}
