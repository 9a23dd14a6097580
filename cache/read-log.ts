// The file system and environment as a computation (the config loader, the compiler) sees them, recording
// what it reads where it reads it: files read or looked for, folders listed, environment variables looked up,
// and anything it used that differs between runs (a command's output, a random value, the time). A memo of the
// computation's result is valid while the stamps of those paths and the values of those variables hold.
import { readdirSync, readFileSync, type Dirent, type Stats } from 'node:fs';
import { statOf } from './stamp.ts';

/** What a computation read, recorded as it read it. */
export class ReadLog {
  /** Absolute paths of files read or looked for, and of folders listed. */
  readonly paths = new Set<string>();
  /** Environment variables looked up (set or not). */
  readonly envNames = new Set<string>();
  /** Why the result may differ between two runs with the same inputs, when it may. */
  volatile: string | undefined;

  /** The text of a file, or undefined when it cannot be read. */
  text(path: string): string | undefined {
    this.paths.add(path);
    // A missing file (a default Dockerfile of a custom build) costs a stat here, not a thrown Error.
    if (!statOf(path)?.isFile()) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** The stat of a path (links followed), or undefined when it is absent. */
  stat(path: string): Stats | undefined {
    this.paths.add(path);
    return statOf(path);
  }

  /** The entries of a folder, or undefined when it cannot be listed. */
  list(path: string): Dirent[] | undefined {
    this.paths.add(path);
    try {
      return readdirSync(path, { withFileTypes: true });
    } catch {
      return undefined;
    }
  }

  /** Records a path read by code that does its own I/O (a glob walking a folder, a lister). */
  note = (path: string): void => {
    this.paths.add(path);
  };

  /** Records that the result depends on something no stamp can prove (the first reason is kept). */
  unrepeatable(reason: string): void {
    this.volatile ??= reason;
  }

  /**
   * `env` as the computation reads it: looking a name up records it. Listing every name (to pass the whole
   * environment to a command) records nothing: such a command makes the result unrepeatable anyway.
   */
  env(env: Readonly<Record<string, string>>): Record<string, string> {
    const names = this.envNames;
    return new Proxy(
      { ...env },
      {
        get: (target, name, receiver) => {
          if (typeof name === 'string') names.add(name);
          return Reflect.get(target, name, receiver) as unknown;
        },
        has: (target, name) => {
          if (typeof name === 'string') names.add(name);
          return Reflect.has(target, name);
        },
      },
    );
  }
}
