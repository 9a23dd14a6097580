// The bookkeeping of one run: when each task started, how it ended and why, the outputs downstream tasks
// read, the diagnostics of failures, and the memo entries of tasks that finished. Every outcome is emitted
// as a `task-end` event the moment it is written down.
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { TaskNode } from '../../core/task.ts';
import type { TaskOutput } from '../../core/task-kind.ts';
import type { Reason, RunEvent, TaskStatus, TaskSummary } from './events.ts';
import type { MemoTask } from './run-memo.ts';

/** A finished task's memo entry and the paths it depends on; undefined when they cannot be named. */
export type MemoSlot = { task: MemoTask; reads: readonly string[] } | undefined;

/** What a run has recorded so far. */
export interface Ledger {
  readonly outputs: Map<string, TaskOutput>;
  readonly summaries: Map<string, TaskSummary>;
  readonly failures: Diagnostic[];
  readonly memo: Map<string, MemoSlot>;
  /** Warnings tasks reported (a cluster's `Warning` headers), shown with their outcome. */
  readonly warnings: Map<string, string[]>;
  /** ISO 8601 time the run started. */
  readonly startedAt: string;
  /** Milliseconds since the run started. */
  since(): number;
  /** Notes that a task starts now. */
  start(id: string): void;
  /** When a task started, in milliseconds since the run started. */
  startOf(id: string): number;
  /** Records (and emits) how a task ended. */
  end(node: TaskNode, status: TaskStatus, reason: Reason, error?: string): void;
  /** Records a failure (or a cancellation, when `signal` was aborted); always `'failed'`, for `return`. */
  failed(node: TaskNode, reason: Reason, d: Diagnostic, signal: AbortSignal): 'failed';
}

/**
 * An empty ledger that emits through `emit` and formats failures with `formatError`; `mask` hides secret values
 * in every failure it records (core/secrets.ts).
 */
export function openLedger(
  emit: (event: RunEvent) => void,
  formatError: (d: Diagnostic) => string,
  mask: (text: string) => string = (text) => text,
): Ledger {
  const started = performance.now();
  const starts = new Map<string, number>();
  const since = (): number => performance.now() - started;
  const ledger: Ledger = {
    outputs: new Map(),
    summaries: new Map(),
    failures: [],
    memo: new Map(),
    warnings: new Map(),
    startedAt: new Date().toISOString(),
    since,
    start: (id) => void starts.set(id, since()),
    startOf: (id) => starts.get(id) ?? 0,
    end(node, status, reason, error) {
      const startMs = starts.get(node.id) ?? since();
      const endMs = since();
      const durationMs = endMs - startMs;
      const summary: TaskSummary = {
        id: node.id,
        kind: node.kind,
        status,
        reason,
        startMs,
        endMs,
        durationMs,
      };
      if (error !== undefined) summary.error = error;
      const warned = ledger.warnings.get(node.id);
      if (warned) summary.warnings = warned;
      ledger.summaries.set(node.id, summary);
      emit({
        type: 'task-end',
        id: node.id,
        kind: node.kind,
        status,
        reason,
        durationMs,
        ...(error !== undefined ? { error } : {}),
        ...(warned ? { warnings: warned } : {}),
      });
    },
    failed(node, reason, d, signal) {
      if (signal.aborted) {
        ledger.end(node, 'cancelled', { type: 'cancelled' });
      } else {
        const masked: Diagnostic = { ...d, message: mask(d.message) };
        if (d.hint !== undefined) masked.hint = mask(d.hint);
        ledger.failures.push(masked);
        ledger.end(node, 'failed', reason, formatError(masked));
      }
      return 'failed';
    },
  };
  return ledger;
}
