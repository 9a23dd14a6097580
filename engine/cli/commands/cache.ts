// `dsg cache ls|clear|gc`: inspect and prune `.dsg/`.
import { acquireLock } from '../../../cache/lock.ts';
import { cacheClear, cacheGc, cacheList } from '../../../cache/inspect.ts';
import { clearCheckouts, listCheckouts } from '../../../cache/git-cache.ts';
import { gitCacheDir } from '../../../cache/git-checkout.ts';
import { formatDuration } from '../../run/reporters/format.ts';
import { bool, num, type FlagValues } from '../args.ts';
import { printDiagnostics, type Io } from '../io.ts';
import { stateDirOf } from '../state-dir.ts';
import { lockSettings } from '../lock-settings.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Runs `dsg cache`; returns the exit code. */
export async function cacheCommand(io: Io, flags: FlagValues, positionals: string[]): Promise<number> {
  const [action, ...extra] = positionals;
  if ((action !== 'ls' && action !== 'clear' && action !== 'gc') || extra.length > 0) {
    io.stderr.write(
      `dsg cache: ${action === undefined ? 'missing action' : `unknown action "${[action, ...extra].join(' ')}"`}\nUsage: dsg cache ls|clear|gc\n`,
    );
    return 2;
  }
  const stateDir = stateDirOf(io.cwd, flags, io.env);
  const gitDir = gitCacheDir(io.env);
  if (bool(flags, 'git') && action !== 'clear') {
    io.stderr.write(`dsg cache: --git goes with clear (dsg cache ls shows the git cache too)\n`);
    return 2;
  }
  if (action === 'clear' && bool(flags, 'git')) {
    const removed = await clearCheckouts(gitDir, io.signal);
    io.stdout.write(`Removed ${removed} git checkouts from ${gitDir}; they are cloned again when needed.\n`);
    return 0;
  }
  if (action === 'ls') {
    const listing = await cacheList(stateDir);
    const checkouts = await listCheckouts(gitDir);
    if (bool(flags, 'json')) {
      io.stdout.write(`${JSON.stringify({ ...listing, git: { dir: gitDir, checkouts } }, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(4, ...listing.rows.map((r) => r.taskId.length));
    io.stdout.write(`${'TASK'.padEnd(width)}  KEY           AGE      SIZE    \n`);
    for (const r of listing.rows) {
      const flag = r.damaged ? 'damaged' : r.latest ? 'latest' : '';
      io.stdout.write(
        `${r.taskId.padEnd(width)}  ${r.keyPrefix}  ${formatDuration(r.ageMs).padEnd(7)}  ${bytes(r.bytes).padEnd(7)} ${flag}\n`.replace(
          / +\n$/,
          '\n',
        ),
      );
    }
    const o = listing.otherBytes;
    io.stdout.write(
      `${listing.rows.length} records, ${bytes(listing.recordBytes)}; digests ${bytes(o.digests)}, logs ${bytes(o.logs)}, runs ${bytes(o.runs)}, rendered ${bytes(o.rendered)}, memos ${bytes(o.memos)}\n`,
    );
    const gitBytes = checkouts.reduce((sum, c) => sum + c.bytes, 0);
    io.stdout.write(
      `git cache: ${checkouts.length} checkouts, ${bytes(gitBytes)} in ${gitDir} (shared by every project; dsg cache clear --git removes them)\n`,
    );
    return 0;
  }
  const { lockTimeoutMs, lockTiming } = lockSettings(flags, io.env);
  const lock = await acquireLock(stateDir, {
    wait: lockTimeoutMs !== undefined,
    command: `dsg cache ${action}`,
    signal: io.signal,
    ...(lockTimeoutMs !== undefined ? { timeoutMs: lockTimeoutMs } : {}),
    ...(lockTiming ? { timing: lockTiming } : {}),
  });
  if (!lock.ok) {
    printDiagnostics(io, [
      {
        severity: 'error',
        message: lock.error.message,
        ...(lock.error.hint ? { hint: lock.error.hint } : {}),
      },
    ]);
    return 1;
  }
  try {
    if (action === 'clear') {
      const cleared = await cacheClear(stateDir);
      io.stdout.write(
        `Removed ${cleared.records} records (${bytes(cleared.bytes)}); every task runs again next time.\n`,
      );
      return 0;
    }
    const maxAgeDays = num(flags, 'max-age') ?? 30;
    const maxSizeMb = num(flags, 'max-size');
    const report = await cacheGc(stateDir, {
      maxAgeMs: maxAgeDays * DAY_MS,
      ...(maxSizeMb !== undefined ? { maxBytes: maxSizeMb * 1024 * 1024 } : {}),
    });
    const parts = new Map<string, number>();
    for (const r of report.removed) parts.set(r.part, (parts.get(r.part) ?? 0) + 1);
    const detail = [...parts].map(([part, n]) => `${n} ${part}${n === 1 ? '' : 's'}`).join(', ');
    io.stdout.write(
      `Removed ${report.removed.length} files (${bytes(report.freedBytes)}${detail ? `: ${detail}` : ''}); .dsg/ now holds ${bytes(report.keptBytes)}, ${report.keptRecords} records.\n`,
    );
    return 0;
  } finally {
    await lock.value.release();
  }
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
