// What can go wrong talking to the API server, as values: the client turns answers and socket errors into
// these, deploy turns these into one sentence that names the cluster or the object.

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
  /** The `reason` of each of the Status' `details.causes` (`NamespaceTerminating`, `FieldValueInvalid`...). */
  causes?: string[];
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

/** Classifies what a request threw (a socket error, a cancelled request). */
export function toFailure(error: unknown): KubeFailure {
  const e = error as { name?: string; code?: string; message?: string; type?: string } | undefined;
  if (e?.name === 'AbortError' || e?.type === 'aborted') return { reason: 'aborted', detail: 'cancelled' };
  const code = e?.code ?? '';
  if (networkCodes.has(code)) {
    const verb = code.startsWith('E') && code !== 'EPIPE' ? 'connect ' : '';
    return { reason: 'unreachable', detail: `${verb}${code}` };
  }
  return { reason: 'server', detail: e?.message ?? String(error) };
}

/** Classifies an answer of the server that is not a success, from its status and `Status` body. */
export function failureOf(status: number, body: unknown): KubeFailure {
  const failure: KubeFailure = {
    reason: reasonOf(status),
    status,
    detail: serverMessage(body) ?? `HTTP ${status}`,
  };
  const details = record(record(body)?.['details']);
  const causes = Array.isArray(details?.['causes']) ? details['causes'] : [];
  const reasons = causes.map((c) => record(c)?.['reason']).filter((r): r is string => typeof r === 'string');
  if (reasons.length > 0) failure.causes = reasons;
  return failure;
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
  const message = record(body)?.['message'];
  if (typeof message === 'string') return message;
  return typeof body === 'string' && body !== '' ? body.slice(0, 300) : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
