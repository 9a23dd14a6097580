// Generates a synthetic build context: `files` files of random content totalling about `totalBytes`,
// spread over a few folder levels. Used by bench-hash.ts; also runnable alone:
//   node dist/scripts/gen-context.js <dir> [files] [totalMB]
import { randomFillSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

/** What was generated. */
export interface GeneratedContext {
  files: string[];
  bytes: number;
}

/** Writes `count` files under `dir` (20 × 10 folders, two levels deep) totalling about `totalBytes`. */
export async function generateContext(
  dir: string,
  count: number,
  totalBytes: number,
): Promise<GeneratedContext> {
  const files: string[] = [];
  const mean = Math.floor(totalBytes / count);
  // One random pool sliced at varying offsets: random-looking content without generating 500 MB of entropy.
  const pool = randomFillSync(new Uint8Array(mean * 4 + 65536));
  let bytes = 0;
  let seed = 1;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const batch: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const rel = `d${i % 20}/s${Math.floor(i / 20) % 10}/f${i}.bin`;
    if (i < 200) await mkdir(join(dir, rel, '..'), { recursive: true });
    // Sizes between 0 and twice the mean; the last file absorbs the rounding.
    const size = i === count - 1 ? Math.max(0, totalBytes - bytes) : Math.floor(next() * 2 * mean);
    const offset = Math.floor(next() * (pool.length - Math.min(size, pool.length)));
    const content =
      size <= pool.length - offset
        ? pool.subarray(offset, offset + size)
        : randomFillSync(new Uint8Array(size));
    // Make each file unique so that no two digests coincide.
    const unique = new Uint8Array(content.length + 8);
    unique.set(content);
    new DataView(unique.buffer).setFloat64(content.length, i);
    batch.push(writeFile(join(dir, rel), unique));
    if (batch.length >= 64) await Promise.all(batch.splice(0));
    bytes += unique.length;
    files.push(rel);
  }
  await Promise.all(batch);
  return { files, bytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, count = '20000', mb = '500'] = process.argv.slice(2);
  if (!dir) {
    console.error('Usage: gen-context <dir> [files] [totalMB]');
    process.exit(2);
  }
  const result = await generateContext(dir, Number(count), Number(mb) * 1024 * 1024);
  console.log(`Generated ${result.files.length} files, ${(result.bytes / 1048576).toFixed(0)} MB in ${dir}`);
}
