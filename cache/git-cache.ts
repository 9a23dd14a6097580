// What the git cache holds (`dsg cache ls`) and emptying it (`dsg cache clear --git`): checkouts are shared by
// every project of the user, so `.dsg/` commands leave them alone unless asked.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesOf } from './gc-state.ts';
import { acquireLock } from './lock.ts';

/** One checkout folder of the git cache. */
export interface CheckoutInfo {
  name: string;
  bytes: number;
  /** Since it was last cloned or moved. */
  ageMs: number;
}

/** The checkouts under `cacheDir` (none when it does not exist). */
export async function listCheckouts(cacheDir: string, now = Date.now()): Promise<CheckoutInfo[]> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const out: CheckoutInfo[] = [];
  for (const name of names.filter(isCheckout).sort()) {
    const head = await stat(join(cacheDir, name, '.git', 'HEAD')).catch(() => undefined);
    out.push({
      name,
      bytes: await bytesOf(join(cacheDir, name)),
      ageMs: head ? Math.max(0, now - head.mtimeMs) : 0,
    });
  }
  return out;
}

/** Removes every checkout, each under its lock (a dsg process updating one is waited for); returns how many. */
export async function clearCheckouts(cacheDir: string, signal?: AbortSignal): Promise<number> {
  const names = (await readdir(cacheDir).catch(() => [] as string[])).filter(isCheckout);
  let removed = 0;
  for (const name of names) {
    const dir = join(cacheDir, name);
    const lock = await acquireLock(`${dir}.lock`, {
      wait: true,
      command: 'dsg cache clear --git',
      ...(signal ? { signal } : {}),
    });
    if (!lock.ok) continue;
    try {
      await rm(dir, { recursive: true, force: true });
      removed++;
    } finally {
      await lock.value.release();
    }
    await rm(`${dir}.lock`, { recursive: true, force: true });
  }
  return removed;
}

// Lock folders and clones under way (`.tmp-`) are not checkouts.
function isCheckout(name: string): boolean {
  return !name.endsWith('.lock') && !name.includes('.tmp-');
}
