// Hashing one file's content without holding it in memory: a fixed buffer, read and fed to sha256 in turns.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { SliceBudget } from './slice.ts';

/** Size of each read; large enough that big files cost few syscalls, small enough to reuse one buffer. */
export const readChunkBytes = 1 << 20;

/**
 * The hex sha256 of a file's content and how many bytes were read. Reads synchronously in chunks into
 * `buffer` and yields between chunks when `budget` says so, so a 2 GB file never blocks the event loop long.
 */
export async function hashFile(
  path: string,
  expectedSize: number,
  buffer: Uint8Array,
  budget: SliceBudget,
): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  let total = 0;
  try {
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      total += bytesRead;
      // A short read at the size stat reported is the end of a regular file; skipping the extra
      // zero-length read saves a syscall per small file. Had the file grown meanwhile, its mtime moved
      // too, so the digest is not memoised against the stat that was taken.
      if (bytesRead < buffer.length && total >= expectedSize) break;
      if (budget.due()) await budget.yield();
    }
  } finally {
    closeSync(fd);
  }
  return { digest: hash.digest('hex'), bytes: total };
}
