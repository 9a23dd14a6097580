import type { Reason } from './events.ts';

/** `cached`, with where the artifact was found when its kind said (`cached (image … in the registry)`). */
export function cachedReason(from: string | undefined): Reason {
  return from === undefined ? { type: 'cached' } : { type: 'cached', from };
}

/** How many changed inputs a reason names before "and N more". */
const SHOWN_CHANGES = 3;

/** One line for the user: `input changed: api/src/main.ts, buildArgs.VERSION`, `forced (-b)`, `cached`. */
export function formatReason(reason: Reason): string {
  switch (reason.type) {
    case 'cached':
      return reason.from === undefined ? 'cached' : `cached (${reason.from})`;
    case 'first-run':
      return 'first run';
    case 'input-changed':
      return reason.changes.length === 0 ? 'input changed' : `input changed: ${listChanges(reason.changes)}`;
    case 'forced':
      return `forced (${reason.by})`;
    case 'artifact-missing':
      return `artifact missing: ${reason.what}`;
    case 'upstream-failed':
      return `upstream failed: ${reason.upstream}`;
    case 'cancelled':
      return 'cancelled';
    default:
      return unknownReason(reason);
  }
}

function listChanges(changes: readonly string[]): string {
  // "and 1 more" would take as much room as the name it hides.
  if (changes.length <= SHOWN_CHANGES + 1) return changes.join(', ');
  return `${changes.slice(0, SHOWN_CHANGES).join(', ')} and ${changes.length - SHOWN_CHANGES} more`;
}

function unknownReason(reason: never): never {
  throw new Error(`Unknown reason ${JSON.stringify(reason)}`);
}
