// Why a sync of a deployment's objects stopped: the values messages.ts turns into one sentence.
import type { ObjectRef } from '../render/object.ts';
import type { KubeFailure } from './errors.ts';

/** Why a sync stopped. */
export type SyncFailure =
  | { kind: 'request'; failure: KubeFailure; action: string; ref?: ObjectRef; source?: string }
  | { kind: 'not-served'; ref: ObjectRef; source?: string }
  | { kind: 'not-served-yet'; ref: ObjectRef; source?: string; waitedMs: number }
  | { kind: 'still-terminating'; ref: ObjectRef; waitedMs: number }
  | { kind: 'duplicate'; ref: ObjectRef; sources: string[] };
