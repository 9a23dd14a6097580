// Benchmark: `dsg run build` as a process (module load, config, keys, Engine API build, local tag) against the
// `docker build` CLI with the same (classic) builder, on the same contexts:
//   (a) one image, a context of a few MB, COPY + RUN: a rebuild after a source change and a rebuild with nothing
//       changed (`-b`: the build runs, the engine's layer cache applies, as with `docker build`), median of N
//       repetitions each, ratio dsg / CLI; dsg's own answer to "nothing changed" (no -b: cached) beside them;
//   (b) six independent images, source changed in each: one `dsg run build` (builds in parallel) against the best
//       the CLI does in parallel, six `docker build` background jobs and `wait` (a sequential loop beside it).
// Usage: npm run build && node dist/scripts/bench-build.js [--reps N]   (needs scripts/setup.sh's engine)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { tempDir } from '../test/helpers/cli.ts';
import { dsg, median, timeCommand } from './bench-lib.ts';

const BASE = 'dsg-test/busybox:1';
const DOCKERFILE = `FROM ${BASE}\nCOPY . /app\nRUN find /app -type f | wc -l > /count && cat /app/stamp.txt > /stamp\n`;

const repsFlag = process.argv.indexOf('--reps');
const reps = repsFlag > 0 ? Number(process.argv[repsFlag + 1] ?? '5') : 5;
/** The classic builder for the CLI: what dsg's Engine API build (`version=1`) uses. */
const CLI_ENV = { DOCKER_BUILDKIT: '0' };

/** Writes a context of `files` files of `size` random bytes each, plus the Dockerfile and a stamp, under `dir`. */
async function makeContext(dir: string, files: number, size: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
  for (let i = 0; i < files; i++) {
    const sub = join(dir, 'src', `d${i % 10}`);
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `f${i}.bin`), randomBytes(size));
  }
  await writeFile(join(dir, 'stamp.txt'), 'initial');
}

/** A project of images `name → repository`, each built from the folder of its name. */
async function makeProject(images: Record<string, string>, files: number): Promise<string> {
  const dir = await tempDir('dsg-bench-build-');
  const yaml = ['version: v2beta1', 'name: bench-build', 'images:'];
  for (const [name, repo] of Object.entries(images)) {
    await makeContext(join(dir, name), files, 20_000);
    yaml.push(
      `  ${name}:`,
      `    image: ${repo}`,
      `    context: ./${name}`,
      `    dockerfile: ./${name}/Dockerfile`,
    );
  }
  await writeFile(join(dir, 'devspace.yaml'), `${yaml.join('\n')}\n`);
  return dir;
}

/** A new stamp: the COPY and RUN layers must be built again, for dsg and the CLI alike. */
async function touch(dir: string): Promise<void> {
  await writeFile(join(dir, 'stamp.txt'), randomBytes(8).toString('hex'));
}

/** `dsg run build` in `project`, tagging locally; returns its wall time and how many builds ran. */
function dsgBuild(project: string, force: boolean): { ms: number; ran: number } {
  const args = [...dsg, 'run', 'build', '--skip-push', '--json', ...(force ? ['-b'] : [])];
  const r = timeCommand(args, project);
  const ran = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; id?: string; status?: string })
    .filter((e) => e.type === 'task-end' && e.id?.startsWith('build:') && e.status === 'ran').length;
  return { ms: r.ms, ran };
}

/** A bash script run as one process: how the CLI is driven from a terminal or CI. */
function shell(script: string, cwd: string): number {
  return timeCommand(['bash', '-c', script], cwd, CLI_ENV).ms;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const cliBuild = (context: string, ref: string): string =>
  `docker build -q -t ${quote(ref)} ${quote(context)}`;
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function removeImages(repos: readonly string[]): void {
  for (const repo of repos) {
    const listed = spawnSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', repo], {
      encoding: 'utf8',
    });
    const refs = listed.stdout.split('\n').filter((l) => l !== '');
    if (refs.length > 0) spawnSync('docker', ['rmi', '-f', ...refs], { stdio: 'ignore' });
  }
}

async function main(dirs: string[], repos: string[]): Promise<void> {
  const id = randomBytes(3).toString('hex');
  // (a) one image, 200 files of 20 KB = 4 MB of context.
  const repo = `dsg-bench/one-${id}`;
  repos.push(repo);
  const one = await makeProject({ one: repo }, 200);
  dirs.push(one);
  const context = join(one, 'one');
  // Warms the engine and the page cache for both.
  dsgBuild(one, true);
  shell(cliBuild(context, `${repo}:cli`), one);
  const changed = { dsg: [] as number[], cli: [] as number[] };
  const unchanged = { dsg: [] as number[], cli: [] as number[], cached: [] as number[] };
  for (let i = 0; i < reps; i++) {
    // Alternate who goes first, so neither always inherits a warmer engine.
    const order = i % 2 === 0 ? (['dsg', 'cli'] as const) : (['cli', 'dsg'] as const);
    for (const who of order) {
      await touch(context);
      if (who === 'dsg') {
        const built = dsgBuild(one, false);
        if (built.ran !== 1) throw new Error('dsg did not rebuild a changed image');
        changed.dsg.push(built.ms);
        unchanged.dsg.push(dsgBuild(one, true).ms);
        // Files written just now are not trusted to the run memo: this is the keyed path, not the memo's.
        const cached = dsgBuild(one, false);
        if (cached.ran !== 0) throw new Error('dsg rebuilt an unchanged image');
        unchanged.cached.push(cached.ms);
      } else {
        changed.cli.push(shell(cliBuild(context, `${repo}:cli`), one));
        unchanged.cli.push(shell(cliBuild(context, `${repo}:cli`), one));
      }
    }
  }
  console.log(`(a) one image, 4 MB context, COPY + RUN, classic builder, each a process, median of ${reps}:`);
  for (const [label, m] of [
    ['source changed        ', changed],
    ['nothing changed (-b)  ', unchanged],
  ] as const) {
    const d = median(m.dsg);
    const c = median(m.cli);
    const best = `(best ${fmt(Math.min(...m.dsg))} vs ${fmt(Math.min(...m.cli))})`;
    console.log(
      `    ${label} dsg run build ${fmt(d)}   docker build ${fmt(c)}   ratio ${(d / c).toFixed(2)}  ${best}`,
    );
  }
  const cached = median(unchanged.cached);
  console.log(
    `    nothing changed, dsg run build without -b (cached, no build): ${fmt(cached)}   ratio to docker build ${(cached / median(unchanged.cli)).toFixed(2)}`,
  );

  // (b) six images of 50 files of 20 KB each, in one project.
  const names = Array.from({ length: 6 }, (_, i) => `img${i}`);
  const sixRepos = names.map((n) => `dsg-bench/six-${n}-${id}`);
  repos.push(...sixRepos);
  const six = await makeProject(Object.fromEntries(names.map((n, i) => [n, sixRepos[i] ?? ''])), 50);
  dirs.push(six);
  const contexts = names.map((n) => join(six, n));
  dsgBuild(six, true);
  const cliJobs = names.map((n, i) => `${cliBuild(n, `${sixRepos[i] ?? ''}:cli`)} >/dev/null &`);
  shell(`${cliJobs.join('\n')}\nwait`, six);
  const runs = { dsg: [] as number[], jobs: [] as number[], loop: [] as number[] };
  for (let i = 0; i < reps; i++) {
    for (const c of contexts) await touch(c);
    const built = dsgBuild(six, false);
    if (built.ran !== 6) throw new Error(`dsg built ${built.ran} of 6 changed images`);
    runs.dsg.push(built.ms);
    for (const c of contexts) await touch(c);
    // Background jobs, then `wait`: a job that fails is caught by checking each one's status.
    const jobs = names.map((n, i) => `${cliBuild(n, `${sixRepos[i] ?? ''}:cli`)} >/dev/null & pids+=($!)`);
    runs.jobs.push(
      shell(`pids=()\n${jobs.join('\n')}\nfor p in "\${pids[@]}"; do wait "$p" || exit 1; done`, six),
    );
    for (const c of contexts) await touch(c);
    runs.loop.push(
      shell(names.map((n, j) => cliBuild(n, `${sixRepos[j] ?? ''}:cli`)).join(' >/dev/null && '), six),
    );
  }
  const d = median(runs.dsg);
  const j = median(runs.jobs);
  console.log(`(b) six independent images, source changed in each, median of ${reps}:`);
  console.log(
    `    dsg run build ${fmt(d)}   6 docker build background jobs ${fmt(j)}   ratio ${(d / j).toFixed(2)}   (sequential docker build loop ${fmt(median(runs.loop))})`,
  );
}

const dirs: string[] = [];
const repos: string[] = [];
try {
  await main(dirs, repos);
} finally {
  removeImages(repos);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
}
