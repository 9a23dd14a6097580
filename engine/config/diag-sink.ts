// Collects the diagnostics of one load so that every error of a file is reported at once.
import type { Diagnostic, SourceLocation } from '../../core/diagnostics.ts';

/** An append-only list of diagnostics with shorthands for the two severities. */
export class DiagSink {
  readonly list: Diagnostic[] = [];

  /** Records an error. */
  error(message: string, location?: SourceLocation, hint?: string, related?: Diagnostic['related']): void {
    this.list.push(make('error', message, location, hint, related));
  }

  /** Records a warning. */
  warn(message: string, location?: SourceLocation, hint?: string): void {
    this.list.push(make('warning', message, location, hint));
  }

  /** Adds diagnostics produced elsewhere. */
  add(diagnostics: readonly Diagnostic[]): void {
    this.list.push(...diagnostics);
  }

  /** True when an error was recorded. */
  get failed(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

function make(
  severity: Diagnostic['severity'],
  message: string,
  location?: SourceLocation,
  hint?: string,
  related?: Diagnostic['related'],
): Diagnostic {
  const d: Diagnostic = { severity, message };
  if (location) d.location = location;
  if (hint !== undefined) d.hint = hint;
  if (related && related.length > 0) d.related = related;
  return d;
}
