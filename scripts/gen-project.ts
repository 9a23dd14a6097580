// Generates synthetic dsg projects for benchmarks.
//   graph mode:  N images, each with one kubectl deployment whose manifest uses it (issue: dsg graph cost).
//   run mode:    N images built by the custom builder, F source files each, a random DAG of
//                `${runtime.images.X.tag}` edges between images (the custom builder's FROM), optional sleep.
//
//   node dist/scripts/gen-project.js graph DIR N
//   node dist/scripts/gen-project.js run DIR N F [SLEEP_MS] [SEED]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';

/** A seeded generator, so a benchmark sees the same graph every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes a project of `n` images with one kubectl deployment each. */
export async function generateGraphProject(dir: string, n: number): Promise<void> {
  await mkdir(join(dir, 'kube'), { recursive: true });
  const lines = ['version: v2beta1', 'name: synthetic', 'images:'];
  for (let i = 0; i < n; i++)
    lines.push(
      `  img${i}:`,
      `    image: 127.0.0.1:5000/synthetic/img${i}`,
      `    context: ./svc${i}`,
      `    dockerfile: ./svc${i}/Dockerfile`,
    );
  lines.push('deployments:');
  for (let i = 0; i < n; i++) {
    lines.push(`  svc${i}:`, '    kubectl:', '      manifests:', `        - kube/svc${i}.yaml`);
    await writeFile(
      join(dir, 'kube', `svc${i}.yaml`),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc${i}\nspec:\n  selector:\n    matchLabels: {app: svc${i}}\n  template:\n    metadata:\n      labels: {app: svc${i}}\n    spec:\n      containers:\n        - name: app\n          image: 127.0.0.1:5000/synthetic/img${i}\n`,
    );
  }
  await writeFile(join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
}

/** The edges of a random DAG over `n` images: each has up to 2 upstream images among the previous 20. */
export function randomImageDag(n: number, seed: number): string[][] {
  const next = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    const count = i === 0 ? 0 : Math.floor(next() * 3);
    const ups = new Set<number>();
    for (let k = 0; k < count; k++) ups.add(Math.max(0, i - 1 - Math.floor(next() * Math.min(i, 20))));
    return [...ups].map((u) => `img${u}`);
  });
}

/** Writes a custom-builder project: `n` images, `f` files each, a random DAG; each build sleeps `sleepMs`. */
export async function generateRunProject(
  dir: string,
  n: number,
  f: number,
  sleepMs = 0,
  seed = 1,
): Promise<void> {
  const dag = randomImageDag(n, seed);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'build.sh'), '#!/bin/sh\n[ -n "$SLEEP" ] && sleep "$SLEEP"\nexit 0\n', {
    mode: 0o755,
  });
  const lines = ['version: v2beta1', 'name: synthetic', 'images:'];
  for (let i = 0; i < n; i++) {
    const src = join(dir, `img${i}`, 'src');
    await mkdir(src, { recursive: true });
    await Promise.all(
      Array.from({ length: f }, (_, k) =>
        writeFile(join(src, `file${k}.txt`), `image ${i} file ${k}\n`.repeat(20)),
      ),
    );
    const ups = dag[i] ?? [];
    lines.push(
      `  img${i}:`,
      `    image: local/synthetic/img${i}`,
      '    custom:',
      `      command: ${sleepMs > 0 ? `SLEEP=${(sleepMs / 1000).toFixed(3)} ` : ''}sh build.sh`,
      '      skipImageArg: true',
      ...(ups.length > 0
        ? ['      args:', ...ups.map((u) => `        - "\${runtime.images.${u}.tag}"`)]
        : []),
      '      onChange:',
      `        - img${i}/**`,
    );
  }
  await writeFile(join(dir, 'devspace.yaml'), `${lines.join('\n')}\n`);
}

const [mode, dir, ...rest] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1] ?? ''}` && dir !== undefined) {
  if (mode === 'graph') await generateGraphProject(dir, Number(rest[0] ?? 100));
  else if (mode === 'run')
    await generateRunProject(
      dir,
      Number(rest[0] ?? 50),
      Number(rest[1] ?? 20),
      Number(rest[2] ?? 0),
      Number(rest[3] ?? 1),
    );
  else process.stderr.write('usage: gen-project graph DIR N | run DIR N F [SLEEP_MS] [SEED]\n');
}
