// Why a call to the Docker Engine did not succeed, as data: callers turn it into one diagnostic.

/** An expected failure talking to the engine. */
export type DockerFailure =
  /** Nothing answered at the address (no socket, connection refused, ...). */
  | { reason: 'unreachable'; host: string; detail: string }
  /** The connection broke or the address is unusable. */
  | { reason: 'transport'; host: string; detail: string }
  /** The engine answered with an error status before any stream started. */
  | { reason: 'http'; status: number; message: string }
  /** A progress stream (build, push) reported an `errorDetail`. */
  | { reason: 'stream'; message: string }
  /** A file of the build context could not be read while it was being sent. */
  | { reason: 'context'; message: string }
  /** The task's signal aborted the call. */
  | { reason: 'aborted' };

/** Thrown into the context tar when a file cannot be read; the request fails with it, not with a socket error. */
export class ContextReadError extends Error {
  override name = 'ContextReadError';
}

/** Error codes that mean "no engine is listening there", as opposed to a broken conversation. */
const UNREACHABLE_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENOTSOCK',
]);

/** Classifies an exception thrown by undici for a call to `host`. */
export function failureFromError(err: unknown, host: string, signal?: AbortSignal): DockerFailure {
  if (signal?.aborted === true) return { reason: 'aborted' };
  if (err instanceof ContextReadError) return { reason: 'context', message: err.message };
  const e = err instanceof Error ? (err as Error & { code?: unknown; syscall?: unknown }) : undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    const syscall = typeof e?.syscall === 'string' ? e.syscall : 'connect';
    return { reason: 'unreachable', host, detail: `${syscall} ${code}` };
  }
  if (e?.name === 'AbortError') return { reason: 'aborted' };
  return { reason: 'transport', host, detail: e?.message ?? String(err) };
}

/** The one sentence for an engine that cannot be reached, with what to do about it. */
export function unreachableMessage(host: string, detail: string): string {
  return `Cannot reach the Docker Engine at ${host}: ${detail} — start dockerd (or run scripts/setup.sh) or set DOCKER_HOST`;
}

/** A short human text for any failure, for use after "what was being done: ". */
export function failureDetail(f: DockerFailure): string {
  switch (f.reason) {
    case 'unreachable':
      return unreachableMessage(f.host, f.detail);
    case 'transport':
      return `the connection to the Docker Engine at ${f.host} failed: ${f.detail}`;
    case 'http':
      return f.message;
    case 'stream':
    case 'context':
      return f.message;
    case 'aborted':
      return 'cancelled';
  }
}
