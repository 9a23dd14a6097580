// How long deploy waits for the cluster, and the waiting itself. Each bound has a realistic default and an
// environment variable (a duration like `30s` or `2m`) that tests and impatient users set.
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { parseDuration } from './duration.ts';

/** The bounds of one deploy's waits, in milliseconds. */
export interface WaitBounds {
  /** For workloads to roll out (`DSG_ROLLOUT_TIMEOUT`, 5m). */
  rolloutMs: number;
  /** For a kind a CRD defines to be served (`DSG_DISCOVERY_TIMEOUT`, 30s): discovery lags establishment. */
  discoveryMs: number;
  /** For a terminating namespace or object to be gone (`DSG_TERMINATING_TIMEOUT`, 2m). */
  terminatingMs: number;
}

const settings: { field: keyof WaitBounds; name: string; defaultMs: number }[] = [
  { field: 'rolloutMs', name: 'DSG_ROLLOUT_TIMEOUT', defaultMs: 5 * 60_000 },
  { field: 'discoveryMs', name: 'DSG_DISCOVERY_TIMEOUT', defaultMs: 30_000 },
  { field: 'terminatingMs', name: 'DSG_TERMINATING_TIMEOUT', defaultMs: 2 * 60_000 },
];

/** The bounds of an environment; a value that is not a duration is an error naming the variable. */
export function waitBounds(env: Readonly<Record<string, string>>): Result<WaitBounds, Diagnostic> {
  const bounds: WaitBounds = { rolloutMs: 0, discoveryMs: 0, terminatingMs: 0 };
  for (const { field, name, defaultMs } of settings) {
    const text = env[name];
    if (text === undefined || text === '') {
      bounds[field] = defaultMs;
      continue;
    }
    const ms = parseDuration(text);
    if (ms === undefined)
      return fail(error(`Cannot read ${name} "${text}": expected a duration like 30s or 5m`));
    bounds[field] = ms;
  }
  return ok(bounds);
}

/** Resolves true after `ms`, or false at once when `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls `check` until it answers a value, fails, `timeoutMs` passes (undefined) or `signal` aborts (the
 * `aborted` value). Polls back off from 100ms to 1s.
 */
export async function pollUntil<T, E>(
  check: () => Promise<Result<T | undefined, E>>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  aborted: E,
): Promise<Result<T | undefined, E>> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    const answer = await check();
    if (!answer.ok || answer.value !== undefined) return answer;
    const left = deadline - Date.now();
    if (left <= 0) return ok(undefined);
    if (!(await sleep(Math.min(delay, left), signal))) return fail(aborted);
    delay = Math.min(1000, delay * 2);
  }
}
