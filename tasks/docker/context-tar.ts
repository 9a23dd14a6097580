// The build context as the docker CLI would send it: only the listed files, owned by root, plus generated entries.
// Written with tar-stream (tar-fs's engine) rather than tar-fs: files are read ahead in parallel, which halves the
// time to produce a context of many small files (tar-fs reads them one after the other).
import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContextReadError } from './failure.ts';
import { pack as tarPack } from 'tar-stream';
import type { Header, Pack } from 'tar-stream';

type Headers = Partial<Header> & Pick<Header, 'name'>;

/** A file that exists only in the tar (a rewritten Dockerfile, an amended .dockerignore). */
export interface GeneratedEntry {
  name: string;
  content: string;
}

/** What goes into the context tar. */
export interface ContextTarSpec {
  /** Absolute context directory. */
  dir: string;
  /** Files to pack, relative to `dir`, `/`-separated. */
  files: readonly string[];
  /** Entries written after the files; a listed file of the same name is left out. */
  generated: readonly GeneratedEntry[];
}

/** Entries read ahead of the one being written. */
const READ_AHEAD = 32;
/** Files up to this size are read whole while earlier entries are written; larger ones are streamed. */
const SMALL_FILE = 1 << 20;

/** Streams the context as a tar: parent directories first, then each listed file, then the generated entries. */
export function contextTar(spec: ContextTarSpec): Readable {
  const pack = tarPack();
  writeEntries(pack, spec).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return Readable.from(pack);
}

interface Loaded {
  name: string;
  stat: Stats;
  data?: Buffer;
  linkname?: string;
}

async function writeEntries(pack: Pack, spec: ContextTarSpec): Promise<void> {
  const generatedNames = new Set(spec.generated.map((g) => g.name));
  const entries = withParentDirectories(spec.files.filter((f) => !generatedNames.has(f)));
  const loads: (Promise<Loaded> | undefined)[] = [];
  let next = 0;
  const startNext = (): void => {
    const name = entries[next++];
    if (name === undefined) return;
    const loading = load(spec.dir, name);
    // Read ahead of their turn, a failure must wait until the writer gets there (or stops early).
    loading.catch(() => undefined);
    loads.push(loading);
  };
  while (next < Math.min(READ_AHEAD, entries.length)) startNext();
  for (let i = 0; i < entries.length; i++) {
    const item = await (loads[i] as Promise<Loaded>);
    loads[i] = undefined;
    startNext();
    await writeLoaded(pack, spec.dir, item);
  }
  for (const g of spec.generated) {
    await addEntry(
      pack,
      { name: g.name, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) },
      Buffer.from(g.content, 'utf8'),
    );
  }
}

async function load(dir: string, name: string): Promise<Loaded> {
  try {
    return await read(dir, name);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const detail = code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ContextReadError(`cannot read "${name}": ${detail}`);
  }
}

async function read(dir: string, name: string): Promise<Loaded> {
  const path = join(dir, name);
  const stat = await lstat(path);
  if (stat.isSymbolicLink()) return { name, stat, linkname: await readlink(path) };
  if (stat.isFile() && stat.size <= SMALL_FILE) return { name, stat, data: await readFile(path) };
  return { name, stat };
}

async function writeLoaded(pack: Pack, dir: string, item: Loaded): Promise<void> {
  // The docker CLI sends modes as they are on disk and everything owned by root.
  const header: Headers = {
    name: item.name,
    mode: item.stat.mode & 0o7777,
    mtime: item.stat.mtime,
    uid: 0,
    gid: 0,
  };
  if (item.stat.isDirectory()) return addEntry(pack, { ...header, type: 'directory' });
  if (item.linkname !== undefined)
    return addEntry(pack, { ...header, type: 'symlink', linkname: item.linkname });
  if (!item.stat.isFile()) return; // sockets and devices never reach a context
  if (item.data !== undefined)
    return addEntry(pack, { ...header, type: 'file', size: item.data.length }, item.data);
  const entry = pack.entry({ ...header, type: 'file', size: item.stat.size });
  await pipeline(createReadStream(join(dir, item.name)), entry);
}

/** Adds an entry and resolves once the pack took it (so a slow reader holds the writer back). */
function addEntry(pack: Pack, header: Headers, data?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (data === undefined) pack.entry(header, done);
    else pack.entry(header, data, done);
  });
}

/** Every ancestor directory of the files, then the files, in an order where parents come first. */
export function withParentDirectories(files: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    let d = posix.dirname(f);
    while (d !== '.' && d !== '/' && !dirs.has(d)) {
      dirs.add(d);
      d = posix.dirname(d);
    }
  }
  return [...dirs, ...files].sort(compareSegments);
}

/** Compares paths segment by segment so that `a` < `a/b` < `a-b` (plain sort puts `a-b` between them). */
function compareSegments(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const x = sa[i] ?? '';
    const y = sb[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return sa.length - sb.length;
}
