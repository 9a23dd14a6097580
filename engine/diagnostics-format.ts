import type { Diagnostic, SourceLocation } from '../core/diagnostics.ts';

/** Reads the text of a file named in a diagnostic, or undefined when it cannot be read. */
export type SourceReader = (file: string) => string | undefined;

/** Options for printing diagnostics. */
export interface FormatOptions {
  color: boolean;
  readSource: SourceReader;
}

const paint = (on: boolean, code: string, s: string): string => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** Renders one diagnostic: `file:line:col: severity: message`, the source line with a marker, the hint. */
export function formatDiagnostic(d: Diagnostic, options: FormatOptions): string {
  const label =
    d.severity === 'error' ? paint(options.color, '31;1', 'error') : paint(options.color, '33;1', 'warning');
  const where = d.location ? `${formatLocation(d.location)}: ` : '';
  const lines = [`${where}${label}: ${d.message}`];
  if (d.location) lines.push(...excerpt(d.location, options));
  for (const r of d.related ?? []) {
    lines.push(`  ${r.location ? `${formatLocation(r.location)}: ` : ''}${r.message}`);
    if (r.location) lines.push(...excerpt(r.location, options).map((l) => `  ${l}`));
  }
  if (d.hint) lines.push(`  ${paint(options.color, '36', 'hint')}: ${d.hint}`);
  return lines.join('\n');
}

/** `file:line:col`. */
export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

function excerpt(at: SourceLocation, options: FormatOptions): string[] {
  const text = options.readSource(at.file);
  if (text === undefined) return [];
  const source = text.split(/\r?\n/);
  const line = source[at.line - 1];
  if (line === undefined) return [];
  const gutter = String(at.line).length;
  const pad = ' '.repeat(gutter);
  const marker = ' '.repeat(Math.max(0, at.col - 1)) + '^'.repeat(Math.max(1, at.length ?? 1));
  return [`  ${pad} |`, `  ${at.line} | ${line}`, `  ${pad} | ${paint(options.color, '31', marker)}`];
}

/** One line for event streams and summaries: `file:line:col: message`, no label, no excerpt. */
export function formatOneLine(d: Diagnostic): string {
  return `${d.location ? `${formatLocation(d.location)}: ` : ''}${d.message}`;
}
