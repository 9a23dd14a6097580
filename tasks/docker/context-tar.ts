// The build context as the docker CLI would send it: only the listed files, owned by root, plus generated entries.
import { Readable } from 'node:stream';
import { posix } from 'node:path';
import { pack } from 'tar-fs';
import type { PackOptions } from 'tar-fs';

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

/** Streams the context as a tar: parent directories first, then each listed file, then the generated entries. */
export function contextTar(spec: ContextTarSpec): Readable {
  const generatedNames = new Set(spec.generated.map((g) => g.name));
  const files = spec.files.filter((f) => !generatedNames.has(f));
  const entries = withParentDirectories(files);
  const options: PackOptions & { umask: number } = {
    entries,
    // Directories are listed with their files; never let tar-fs descend into one on its own.
    ignore: () => true,
    // The docker CLI sends modes as they are on disk and everything owned by root.
    umask: 0,
    map: (header) => ({ ...header, uid: 0, gid: 0 }),
    finalize: false,
    finish: (p) => {
      for (const g of spec.generated)
        p.entry({ name: g.name, mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) }, g.content);
      p.finalize();
    },
  };
  return Readable.from(pack(spec.dir, options));
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
