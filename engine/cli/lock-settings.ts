// How long a command waits for another run's lock (`--lock-timeout SECONDS`), and the lock's heartbeat
// timing, which tests shorten through the environment (`DSG_LOCK_HEARTBEAT_MS`, `DSG_LOCK_STALE_MS`).
import type { LockTiming } from '../../cache/lock.ts';
import type { FlagSpec, FlagValues } from './args.ts';
import { num } from './args.ts';

/** The `--lock-timeout` flag of every command that takes the project lock. */
export const LOCK_TIMEOUT_FLAG: FlagSpec = {
  name: 'lock-timeout',
  type: 'number',
  value: 'SECONDS',
  help: 'Wait at most SECONDS for another dsg run on this project (default: until it finishes)',
};

/** What the lock of one command is given. */
export interface LockSettings {
  lockTimeoutMs?: number;
  lockTiming?: Partial<LockTiming>;
}

/** The lock settings of `flags` and `env`. */
export function lockSettings(flags: FlagValues, env: Readonly<Record<string, string>>): LockSettings {
  const settings: LockSettings = {};
  const seconds = num(flags, 'lock-timeout');
  if (seconds !== undefined) settings.lockTimeoutMs = Math.max(0, seconds * 1000);
  const timing: Partial<LockTiming> = {};
  const heartbeat = positive(env['DSG_LOCK_HEARTBEAT_MS']);
  const stale = positive(env['DSG_LOCK_STALE_MS']);
  if (heartbeat !== undefined) timing.heartbeatMs = heartbeat;
  if (stale !== undefined) timing.staleMs = stale;
  if (heartbeat !== undefined || stale !== undefined) settings.lockTiming = timing;
  return settings;
}

function positive(text: string | undefined): number | undefined {
  const n = text === undefined ? NaN : Number(text);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
