// What a command may touch of the outside world, passed in rather than read from globals.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { AskVariable } from '../config/var-question.ts';
import { formatDiagnostic } from '../diagnostics-format.ts';

/** A place to write text to. */
export interface Sink {
  write(text: string): unknown;
  columns?: number;
}

/** The command's view of the process: working directory, environment, outputs. */
export interface Io {
  cwd: string;
  env: Record<string, string>;
  stdout: Sink;
  stderr: Sink;
  color: boolean;
  stdoutIsTTY: boolean;
  /** Cancelled on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Asks for a variable without a value; only when stdin and stderr are a terminal. */
  ask?: AskVariable;
}

/** Prints diagnostics to stderr, each with its source excerpt; returns whether any was an error. */
export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): boolean {
  const cache = new Map<string, string | undefined>();
  const readSource = (file: string): string | undefined => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(isAbsolute(file) ? file : join(io.cwd, file), 'utf8'));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file);
  };
  for (const d of diagnostics) io.stderr.write(`${formatDiagnostic(d, { color: io.color, readSource })}\n`);
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Prints warnings found before a run: as text on stderr, or with `--json` as one event per line on stdout,
 * `{"type":"warning","severity":"warning","message":…,"location":{"file","line","col"},"hint":…}`
 * (the Diagnostic shape of core/diagnostics.ts under `type: "warning"`; a public format, fields are only added).
 */
export function printWarnings(io: Io, diagnostics: readonly Diagnostic[], json: boolean): void {
  if (!json) {
    printDiagnostics(io, diagnostics);
    return;
  }
  for (const d of diagnostics) io.stdout.write(`${JSON.stringify({ type: 'warning', ...d })}\n`);
}

/** Prints the warnings a run memo kept (each a Diagnostic as JSON), in this run's form. */
export function replayWarnings(io: Io, notes: readonly string[], json: boolean): void {
  const warnings = notes.map((note): Diagnostic => {
    try {
      return JSON.parse(note) as Diagnostic;
    } catch {
      return { severity: 'warning', message: note.trim() };
    }
  });
  printWarnings(io, warnings, json);
}
