// What can go wrong talking to the API server, as values: the client turns exceptions into these, deploy
// turns these into one sentence that names the cluster or the object.
import { ApiException } from '@kubernetes/client-node';

/** Why a request failed. */
export type KubeFailureReason =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'not-served'
  | 'invalid'
  | 'conflict'
  | 'aborted'
  | 'server';

/** A failed request: the reason, the HTTP status when there was one, and the server's (or socket's) words. */
export interface KubeFailure {
  reason: KubeFailureReason;
  status?: number;
  detail: string;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Classifies anything a client-node call threw. */
export function toFailure(error: unknown): KubeFailure {
  if (error instanceof ApiException) {
    const status = error.code;
    const detail = serverMessage(error.body) ?? `HTTP ${status}`;
    return { reason: reasonOf(status), status, detail };
  }
  const e = error as { name?: string; code?: string; message?: string; type?: string } | undefined;
  if (e?.name === 'AbortError' || e?.type === 'aborted') return { reason: 'aborted', detail: 'cancelled' };
  const code = e?.code ?? '';
  if (networkCodes.has(code) || e?.name === 'FetchError') {
    const verb = code.startsWith('E') && code !== 'EPIPE' ? 'connect ' : '';
    return { reason: 'unreachable', detail: code ? `${verb}${code}` : (e?.message ?? 'network error') };
  }
  const message = e?.message ?? String(error);
  if (/Unrecognized API version and kind/.test(message)) return { reason: 'not-served', detail: message };
  return { reason: 'server', detail: message };
}

function reasonOf(status: number): KubeFailureReason {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'invalid';
  return 'server';
}

function serverMessage(body: unknown): string | undefined {
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { message?: unknown }).message === 'string'
  ) {
    return (body as { message: string }).message;
  }
  return typeof body === 'string' && body !== '' ? body.slice(0, 300) : undefined;
}
