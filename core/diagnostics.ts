/** Where a value came from: a file relative to the working directory, 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
  /** Length of the offending text on that line, for the underline. */
  length?: number;
}

/** A message for the user: what went wrong, where, and what to do. Printing is separate. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  location?: SourceLocation;
  /** What to do about it, printed after the excerpt. */
  hint?: string;
  related?: { message: string; location?: SourceLocation }[];
}

/** Builds an error diagnostic. */
export function error(message: string, location?: SourceLocation, hint?: string): Diagnostic {
  return withOptional({ severity: 'error', message }, location, hint);
}

/** Builds a warning diagnostic. */
export function warning(message: string, location?: SourceLocation, hint?: string): Diagnostic {
  return withOptional({ severity: 'warning', message }, location, hint);
}

function withOptional(d: Diagnostic, location?: SourceLocation, hint?: string): Diagnostic {
  if (location) d.location = location;
  if (hint !== undefined) d.hint = hint;
  return d;
}
