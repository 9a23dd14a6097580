// Crash-safe file writes and forgiving reads: a reader sees the old file or the new one, never half of one.
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import process from 'node:process';
import { errorCode, errorDetail } from './types.ts';

/** Marks the temp files of atomic writes, so gc can sweep the ones a crash left behind. */
export const tempMarker = '.tmp-';

/**
 * Writes `data` to a temp file beside `path`, fsyncs it, then renames it over `path`. Files under `.dsg/` are
 * the user's alone (0600, folders 0700): records and logs can name what a build was given; `mode` is for files
 * written for others to read (`dsg graph -o`).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${basename(path)}${tempMarker}${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(data);
    // Without the fsync a crash after the rename can leave a renamed but empty file on some filesystems.
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The outcome of reading a JSON file that may be missing or damaged. */
export type JsonRead =
  | { status: 'ok'; value: unknown; bytes: number }
  | { status: 'missing' }
  | { status: 'corrupt'; detail: string };

/** Reads and parses a JSON file; a missing file or bad content is a value, never a throw. */
export async function readJsonFile(path: string): Promise<JsonRead> {
  let text: string;
  try {
    // Records are small: a synchronous read costs a fraction of the thread-pool round trip, and a no-op run
    // reads one per task.
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return { status: 'missing' };
    return { status: 'corrupt', detail: errorDetail(error) };
  }
  try {
    return { status: 'ok', value: JSON.parse(text) as unknown, bytes: Buffer.byteLength(text) };
  } catch (error) {
    const detail = text.length === 0 ? 'the file is empty' : `invalid JSON (${errorDetail(error)})`;
    return { status: 'corrupt', detail };
  }
}
