// Multi-project benchmark: a root project with D git dependencies (file:// repositories made here), each of
// I images (custom builds that sleep S ms) and I kubectl deployments (a Deployment per image, waited for until
// rolled out), against the stand-in API server in a process of its own. Every side is a dsg process.
//   parallel:    one `dsg run deploy -b -d` at the root, clones already cached: every build and deploy of
//                every project, scheduled as one graph;
//   sequential:  `dsg run deploy -b -d` in each dependency's folder, one project after another, as DevSpace
//                runs dependencies (each process's wall time summed; the sum of the runs' own makespans,
//                without process start-up, is printed beside it);
//   git:         the first run with an empty git cache (clone), a no-op run with the clones cached (fetch
//                of each URL and ref), and the same no-op with --offline (no git at all).
// Usage: npm run build && node dist/scripts/bench-deps.js [--deps 20] [--images 5] [--sleep-ms 300] [--runs 3]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import process from 'node:process';
import {
  type Cluster,
  dsg,
  measure,
  median,
  printTable,
  repo as repoRoot,
  timeCommand,
} from './bench-lib.ts';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const deps = option('--deps', 20);
const images = option('--images', 5);
const sleepMs = option('--sleep-ms', 300);
const runs = option('--runs', 3);

interface RunEvent {
  type: string;
  id?: string;
  status?: string;
  summary?: { durationMs: number };
}
const events = (stdout: string): RunEvent[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);

const gitEnv = {
  GIT_AUTHOR_NAME: 'dsg bench',
  GIT_AUTHOR_EMAIL: 'bench@dsg.invalid',
  GIT_COMMITTER_NAME: 'dsg bench',
  GIT_COMMITTER_EMAIL: 'bench@dsg.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** One dependency project, committed to a git repository on branch main: I images and I deployments. */
async function dependency(dir: string, name: string): Promise<void> {
  await mkdir(join(dir, 'kube'), { recursive: true });
  const lines = ['version: v2beta1', `name: ${name}`, 'images:'];
  for (let i = 0; i < images; i++) {
    await mkdir(join(dir, `img${i}`), { recursive: true });
    await writeFile(join(dir, `img${i}`, 'main.txt'), `${name} image ${i}\n`);
    lines.push(
      `  img${i}:`,
      `    image: local/${name}/img${i}`,
      '    custom:',
      `      command: sleep ${(sleepMs / 1000).toFixed(3)}`,
      '      skipImageArg: true',
      '      onChange:',
      `        - img${i}/**`,
    );
  }
  lines.push('deployments:');
  for (let i = 0; i < images; i++) {
    lines.push(`  app${i}:`, '    kubectl:', `      manifests: [kube/app${i}.yaml]`);
    await writeFile(
      join(dir, 'kube', `app${i}.yaml`),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        `metadata: { name: ${name}-app${i} }`,
        'spec:',
        `  selector: { matchLabels: { app: ${name}-app${i} } }`,
        '  template:',
        `    metadata: { labels: { app: ${name}-app${i} } }`,
        `    spec: { containers: [{ name: app, image: local/${name}/img${i} }] }`,
        '',
      ].join('\n'),
    );
  }
  await writeFile(join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
  const git = (...args: string[]) => timeCommand(['git', ...args], dir, gitEnv);
  git('init', '--quiet', '--initial-branch=main');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'first');
}

/** The root project: every dependency by its file:// URL on branch main, each in its own namespace. */
async function rootProject(dir: string, depDirs: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const lines = ['version: v2beta1', 'name: root', 'dependencies:'];
  depDirs.forEach((d, i) => lines.push(`  dep${i}:`, `    git: file://${d}`, '    branch: main'));
  await writeFile(join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
}

/** A `dsg run deploy` in `dir`: its wall time and the run's own makespan; fails unless every task ended well. */
function deploy(dir: string, env: Record<string, string>, flags: string[], expectRan: number) {
  const r = timeCommand([...dsg, 'run', 'deploy', '--json', ...flags], dir, env);
  const all = events(r.stdout);
  const ran = all.filter((e) => e.type === 'task-end' && e.status === 'ran').length;
  const bad = all.filter((e) => e.type === 'task-end' && e.status !== 'ran' && e.status !== 'cached');
  if (bad.length > 0 || ran !== expectRan)
    throw new Error(
      `dsg run deploy ${flags.join(' ')} in ${dir}: ran ${ran} (expected ${expectRan}), ${bad.length} not ok`,
    );
  return { ms: r.ms, makespan: all.find((e) => e.type === 'run-end')?.summary?.durationMs ?? r.ms };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'dsg-bench-deps-'));
  const base: Record<string, string> = {
    HOME: root,
    PATH: [join(repoRoot, '.tools/bin'), process.env['PATH'] ?? ''].join(delimiter),
    DSG_ROLLOUT_TIMEOUT: '2m',
  };
  const r: Record<string, number[]> = {};
  const record = (name: string, value: number): void => void (r[name] ??= []).push(value);
  // Tasks a forced run runs: per image a build and a tag, per deployment a render and a deploy.
  const perProject = images * 4;
  try {
    const depDirs: string[] = [];
    for (let d = 0; d < deps; d++) {
      const dir = join(root, 'repos', `dep${d}`);
      await dependency(dir, `dep${d}`);
      depDirs.push(dir);
    }
    const top = join(root, 'app');
    await rootProject(top, depDirs);
    // Let the files age past the run memo's racy window, as a real project's have.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (let run = 0; run < runs; run++) {
      const env = { ...base, XDG_CACHE_HOME: join(root, `git-cache-${run}`) };
      await rm(join(top, '.dsg'), { recursive: true, force: true });
      await measure(env, top, (c: Cluster) => {
        record('cold', deploy(top, c.env, [], deps * perProject).ms);
        record('fetch', deploy(top, c.env, [], 0).ms);
        record('offline', deploy(top, c.env, ['--offline'], 0).ms);
        const parallel = deploy(top, c.env, ['-b', '-d'], deps * perProject);
        record('parallel', parallel.ms);
        record('parallelMakespan', parallel.makespan);
      });
      await measure(base, top, (c: Cluster) => {
        let wall = 0;
        let makespans = 0;
        for (const dir of depDirs) {
          const one = deploy(dir, c.env, ['-b', '-d'], perProject);
          wall += one.ms;
          makespans += one.makespan;
        }
        record('sequential', wall);
        record('sequentialMakespan', makespans);
      });
      process.stdout.write(
        `run ${run + 1}: parallel ${last(r, 'parallel')} ms, sequential ${last(r, 'sequential')} ms; ` +
          `cold clone ${last(r, 'cold')} ms, cached ${last(r, 'fetch')} ms, --offline ${last(r, 'offline')} ms\n`,
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const m = (k: string): number => median(r[k] ?? []);
  process.stdout.write(
    `\n${deps} git dependencies × (${images} images sleeping ${sleepMs} ms, ${images} deployments), ` +
      `${deps * perProject} tasks; median of ${runs} runs, node ${process.versions.node}\n`,
  );
  printTable(
    ['forced build + deploy of every project', 'wall ms', 'run makespan ms'],
    [
      [
        'dsg run deploy -b -d at the root (one graph)',
        m('parallel').toFixed(0),
        m('parallelMakespan').toFixed(0),
      ],
      ['the projects one after another', m('sequential').toFixed(0), m('sequentialMakespan').toFixed(0)],
      [
        'sequential / parallel',
        (m('sequential') / m('parallel')).toFixed(2),
        (m('sequentialMakespan') / m('parallelMakespan')).toFixed(2),
      ],
    ],
  );
  process.stdout.write('\n');
  printTable(
    ['dsg run deploy at the root', 'wall ms'],
    [
      ['empty git cache: clone, build and deploy everything', m('cold').toFixed(0)],
      ['nothing changed, clones cached (one fetch per URL and ref)', m('fetch').toFixed(0)],
      ['nothing changed, --offline (no git)', m('offline').toFixed(0)],
    ],
  );
}

function last(r: Record<string, number[]>, key: string): string {
  const values = r[key] ?? [];
  return (values[values.length - 1] ?? 0).toFixed(0);
}

await main();
