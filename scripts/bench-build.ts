// Benchmark: dsg's docker build (Engine API, classic builder) against the `docker build` CLI with the same builder.
//   (a) one image, a context of a few MB, COPY + RUN: a rebuild after a source change and a rebuild with nothing
//       changed (layer cache), median of N repetitions each, ratio dsg / CLI;
//   (b) six independent images: six dsg builds at once against a sequential `docker build` loop.
// Usage: npx tsc -p . && node dist/scripts/bench-build.js [--reps N]   (needs scripts/setup.sh's engine)
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { projectLister } from '../engine/run/list-files.ts';
import { dockerBuildRun } from '../tasks/build/docker.ts';
import { openDocker } from '../tasks/docker/client.ts';
import { removeImage } from '../test/fixtures/docker/containers.ts';
import { tempDir } from '../test/helpers/cli.ts';
import { imageConfig, settings, taskNode } from '../test/fixtures/docker/task.ts';

const BASE = 'dsg-test/busybox:1';
const DOCKERFILE = `FROM ${BASE}\nCOPY . /app\nRUN find /app -type f | wc -l > /count && cat /app/stamp.txt > /stamp\n`;

const repsFlag = process.argv.indexOf('--reps');
const reps = repsFlag > 0 ? Number(process.argv[repsFlag + 1] ?? '5') : 5;
const env: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
);

/** Writes a context of `files` files of `size` random bytes each, plus the Dockerfile and a stamp. */
async function makeContext(files: number, size: number): Promise<string> {
  const dir = await tempDir('dsg-bench-');
  await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
  for (let i = 0; i < files; i++) {
    const sub = join(dir, 'src', `d${i % 10}`);
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `f${i}.bin`), randomBytes(size));
  }
  await writeFile(join(dir, 'stamp.txt'), 'initial');
  return dir;
}

/** A new stamp: the COPY and RUN layers must be built again, for dsg and the CLI alike. */
async function touch(dir: string): Promise<void> {
  await writeFile(join(dir, 'stamp.txt'), randomBytes(8).toString('hex'));
}

/** Builds `dir` with dsg's build task (forced: the task runs, the engine's layer cache applies as with -b). */
async function dsgBuild(dir: string, repo: string): Promise<{ ms: number; ref: string }> {
  const image = imageConfig({ name: 'bench', image: repo });
  const task = taskNode('build', dir, image);
  const start = performance.now();
  const result = await dockerBuildRun(task, {
    // One key per repository: every repetition re-tags the same ref, as `docker build -t` does.
    key: createHash('sha256').update(repo).digest('hex'),
    env,
    signal: new AbortController().signal,
    log: () => undefined,
    upstream: new Map(),
    settings: settings(),
    listFiles: projectLister(dir, dir),
  });
  const ms = performance.now() - start;
  if (!result.ok) throw new Error(result.error.message);
  const data = result.value.data;
  return { ms, ref: `${repo}:${data.tag}` };
}

/** Builds `dir` with `docker build` and the classic builder (what the API's `version=1` uses). */
async function cliBuild(dir: string, ref: string): Promise<number> {
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('docker', ['build', '-q', '-t', ref, dir], {
      env: { ...env, DOCKER_BUILDKIT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker build exited ${code ?? '?'}: ${stderr}`)),
    );
  });
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const docker = await openDocker(env);
  if (!docker.ok) throw new Error(`the Docker Engine is not reachable: ${JSON.stringify(docker.error)}`);
  const refs: string[] = [];
  const dirs: string[] = [];
  try {
    // (a) one image, 200 files of 20 KB = 4 MB of context.
    const dir = await makeContext(200, 20_000);
    dirs.push(dir);
    const repo = `dsg-bench/one-${randomBytes(3).toString('hex')}`;
    refs.push(`${repo}:cli`);
    refs.push((await dsgBuild(dir, repo)).ref); // warms the engine and the page cache for both
    const changed = { dsg: [] as number[], cli: [] as number[] };
    const unchanged = { dsg: [] as number[], cli: [] as number[] };
    for (let i = 0; i < reps; i++) {
      // Alternate who goes first, so neither always inherits a warmer engine.
      const order = i % 2 === 0 ? (['dsg', 'cli'] as const) : (['cli', 'dsg'] as const);
      for (const who of order) {
        await touch(dir);
        if (who === 'dsg') changed.dsg.push((await dsgBuild(dir, repo)).ms);
        else changed.cli.push(await cliBuild(dir, `${repo}:cli`));
        if (who === 'dsg') unchanged.dsg.push((await dsgBuild(dir, repo)).ms);
        else unchanged.cli.push(await cliBuild(dir, `${repo}:cli`));
      }
    }
    console.log(`(a) one image, 4 MB context, COPY + RUN, classic builder, median of ${reps}:`);
    for (const [label, m] of [
      ['source changed  ', changed],
      ['nothing changed ', unchanged],
    ] as const) {
      const d = median(m.dsg);
      const c = median(m.cli);
      const best = `(best ${fmt(Math.min(...m.dsg))} vs ${fmt(Math.min(...m.cli))})`;
      console.log(
        `    ${label} dsg ${fmt(d)}   docker build ${fmt(c)}   ratio ${(d / c).toFixed(2)}  ${best}`,
      );
    }

    // (b) six images of 50 files of 20 KB each.
    const six: string[] = [];
    for (let i = 0; i < 6; i++) six.push(await makeContext(50, 20_000));
    dirs.push(...six);
    const sixRepo = (i: number): string => `dsg-bench/six-${i}-${randomBytes(3).toString('hex')}`;
    const repos = six.map((_, i) => sixRepo(i));
    refs.push(...repos.map((r) => `${r}:cli`));
    for (const d of six) await touch(d);
    const parStart = performance.now();
    const built = await Promise.all(six.map((d, i) => dsgBuild(d, repos[i] ?? '')));
    const parallel = performance.now() - parStart;
    for (const d of six) await touch(d);
    const seqStart = performance.now();
    for (const [i, d] of six.entries()) await cliBuild(d, `${repos[i] ?? ''}:cli`);
    const sequential = performance.now() - seqStart;
    refs.push(...built.map((b) => b.ref));
    console.log(`(b) six independent images, source changed in each:`);
    console.log(
      `    dsg, 6 builds in parallel ${fmt(parallel)}   docker build loop ${fmt(sequential)}   ratio ${(parallel / sequential).toFixed(2)}`,
    );
  } finally {
    for (const ref of refs) await removeImage(docker.value, ref);
    await docker.value.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

await main();
