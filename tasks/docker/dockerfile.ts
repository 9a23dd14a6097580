// Dockerfile text the build sends (DevSpace's entrypoint/cmd/extra-instruction rewrite) and where a step was written.
import type { SourceLocation } from '../../core/diagnostics.ts';

/** What DevSpace appends to a Dockerfile. */
export interface DockerfileAdditions {
  entrypoint?: readonly string[] | undefined;
  cmd?: readonly string[] | undefined;
  instructions: readonly string[];
  /** With a target, the additions go at the end of that stage instead of the end of the file. */
  target?: string | undefined;
}

/** True when `rewriteDockerfile` would change anything. */
export function hasAdditions(a: DockerfileAdditions): boolean {
  return a.entrypoint !== undefined || a.cmd !== undefined || a.instructions.length > 0;
}

/**
 * Appends the instructions, then `ENTRYPOINT [...]` and `CMD [...]` in exec form, at the end of the file or of
 * the target stage; `undefined` when the target stage is not in the file.
 */
export function rewriteDockerfile(content: string, a: DockerfileAdditions): string | undefined {
  let added = '';
  if (a.instructions.length > 0) added += `\n${a.instructions.join('\n')}`;
  if (a.entrypoint !== undefined) added += `\n\nENTRYPOINT ${JSON.stringify(a.entrypoint)}\n`;
  if (a.cmd !== undefined) added += `\n\nCMD ${JSON.stringify(a.cmd)}\n`;
  if (a.target === undefined) return `${content}${added}`;
  const end = stageEnd(content, a.target);
  if (end === undefined) return undefined;
  return `${content.slice(0, end)}${added}${content.slice(end)}`;
}

/** Offset where stage `target` ends: the start of the next `FROM` line, or the end of the file. */
function stageEnd(content: string, target: string): number | undefined {
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const stage = new RegExp(
    `(^|\\n)[ \\t]*FROM[ \\t]+\\S+[ \\t]+AS[ \\t]+${escaped}[ \\t]*(?=\\r?\\n|$)`,
    'i',
  ).exec(content);
  if (!stage) return undefined;
  const after = stage.index + stage[0].length;
  const next = /\n[ \t]*FROM[ \t]/i.exec(content.slice(after));
  return next ? after + next.index : content.length;
}

/**
 * Finds the line of the instruction the classic builder printed as `Step N/M : <step>`: continuation lines are
 * joined and whitespace collapsed the way the builder prints them.
 */
export function locateStep(content: string, step: string, file: string): SourceLocation | undefined {
  const want = collapse(step);
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let logical = lines[i] ?? '';
    let j = i;
    while (/\\\s*$/.test(logical) && j + 1 < lines.length) {
      j++;
      logical = logical.replace(/\\\s*$/, ' ') + (lines[j] ?? '');
    }
    if (collapse(logical) === want) {
      const text = lines[i] ?? '';
      const col = text.length - text.trimStart().length + 1;
      return { file, line: i + 1, col, length: text.trim().length };
    }
  }
  return undefined;
}

function collapse(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}
