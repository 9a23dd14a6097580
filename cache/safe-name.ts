// File names for task ids: `db/deploy:postgres` must become one safe, reversible path segment.
import { sha256Hex } from './canonical.ts';

const maxName = 200;

/** A file-name-safe, injective spelling of a task id: `build:api` → `build%3Aapi`. */
export function safeTaskName(taskId: string): string {
  // Percent-encoding keeps distinct ids distinct; `.` is encoded at the start so no name is `.` or `..`.
  const encoded = taskId.replace(/[^A-Za-z0-9_.-]|^\./gu, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  // Very long ids (deep dependency paths) would pass the 255-byte name limit: keep a readable head.
  return encoded.length <= maxName
    ? encoded
    : `${encoded.slice(0, maxName - 17)}~${sha256Hex(taskId).slice(0, 16)}`;
}

/** The task id back from `safeTaskName` output (not for shortened names, which are not reversible). */
export function taskIdFromSafeName(name: string): string {
  return decodeURIComponent(name);
}
