// The size of `.dsg/` over a series of `dsg run build` runs that each change some images, without automatic
// pruning (`DSG_CACHE_MAX_SIZE=0`) and with it (a limit below what the series grows to), side by side in the
// same session; plus the total wall time of each series, so the cost of pruning shows as a ratio.
//   node dist/scripts/bench-cache.js [--images 200] [--files 20] [--runs 20] [--change 40] [--limit-mb 2]
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { bytesOf } from '../cache/gc-state.ts';
import { dsg, printTable, timeCommand } from './bench-lib.ts';
import { generateRunProject, seeded } from './gen-project.ts';

const flag = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const images = Number(flag('images', '200'));
const files = Number(flag('files', '20'));
const runs = Number(flag('runs', '20'));
const change = Number(flag('change', '40'));
const limitMb = Number(flag('limit-mb', '2'));

/** Runs the series in a fresh project; the `.dsg/` size after each run, and the total wall time. */
async function series(maxSizeMb: number): Promise<{ sizes: number[]; ms: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'dsg-bench-cache-'));
  try {
    await generateRunProject(dir, images, files);
    // The same changes in both series: one seeded sequence of images to touch.
    const random = seeded(7);
    const sizes: number[] = [];
    let ms = 0;
    for (let run = 0; run < runs; run++) {
      if (run > 0) {
        for (let k = 0; k < change; k++) {
          const img = Math.floor(random() * images);
          await appendFile(join(dir, `img${img}`, 'src', 'file0.txt'), `change ${run}\n`);
        }
      }
      ms += timeCommand([...dsg, 'run', 'build'], dir, { DSG_CACHE_MAX_SIZE: String(maxSizeMb) }).ms;
      sizes.push(await bytesOf(join(dir, '.dsg')));
    }
    return { sizes, ms };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const mb = (n: number): string => (n / 1024 / 1024).toFixed(2);
process.stdout.write(
  `dsg run build × ${runs}: ${images} images × ${files} files, ${change} image changes per run; .dsg/ size in MB\n`,
);
const without = await series(0);
const withGc = await series(limitMb);
printTable(
  ['run', 'no pruning', `limit ${limitMb} MB`],
  without.sizes.map((size, i) => [i + 1, mb(size), mb(withGc.sizes[i] ?? 0)]),
);
const last = without.sizes.length - 1;
process.stdout.write(
  `\nafter ${runs} runs: ${mb(without.sizes[last] ?? 0)} MB without pruning, ${mb(withGc.sizes[last] ?? 0)} MB with (limit ${limitMb} MB); ` +
    `wall time with/without pruning: ${(withGc.ms / without.ms).toFixed(2)}× (${(withGc.ms / 1000).toFixed(1)} s vs ${(without.ms / 1000).toFixed(1)} s)\n`,
);
