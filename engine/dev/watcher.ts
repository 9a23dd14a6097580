// The one typed door to the file watcher, @parcel/watcher: native inotify on Linux (one watch per folder, events
// batched in C++), loaded the same way by Node 20 and Deno 2 (a Node-API addon from node_modules). chokidar 4
// was the other candidate: it builds on fs.watch, one handle per watched file and folder, and stats every file
// up front; no side-by-side measurement is written down yet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statOf } from '../../cache/stamp.ts';
import { error, type Diagnostic } from '../../core/diagnostics.ts';
import { fail, ok, type Result } from '../../core/result.ts';
import { folderEntries, type WatchPlan, type WatchRoot } from './watch-plan.ts';

/**
 * The longest the watcher holds changes back: it hands a lone change over at once (about a millisecond after
 * the write), but a stream of changes in slices at most this far apart (@parcel/watcher's batching in C++).
 */
export const WATCHER_STREAM_MS = 500;

/** A change the watcher saw; `path` is absolute. */
export interface FileChange {
  path: string;
  type: 'create' | 'update' | 'delete';
}

/** Watching files until closed. */
export interface Watcher {
  /** Watches `plan` from now on: roots whose folders changed are subscribed again, the others kept. */
  update(plan: WatchPlan): Promise<Result<void, Diagnostic>>;
  close(): Promise<void>;
}

type ParcelWatcher = typeof import('@parcel/watcher');
type Subscription = Awaited<ReturnType<ParcelWatcher['subscribe']>>;

/**
 * Starts watching `plan`; `onChanges` hears every batch, `onError` a failure of the watcher after it started
 * (a root folder deleted, the event queue overflowing).
 */
export async function openWatcher(
  plan: WatchPlan,
  onChanges: (changes: FileChange[]) => void,
  onError: (d: Diagnostic) => void,
): Promise<Result<Watcher, Diagnostic>> {
  const parcel = (await import('@parcel/watcher')).default;
  const subscribed = new Map<string, { root: WatchRoot; sub: Subscription }>();
  // Subscribing and unsubscribing one at a time: an update and a re-subscription never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(step: () => Promise<T>): Promise<T> => {
    const next = queue.then(step);
    queue = next.catch(() => undefined);
    return next;
  };
  const subscribe = async (root: WatchRoot): Promise<Result<Subscription, Diagnostic>> => {
    try {
      const sub = await parcel.subscribe(
        root.dir,
        (err, events) => {
          if (err) onError(error(`Watching "${root.dir}" failed: ${err.message}`));
          else if (events.length > 0) onChanges(withNewFolders(events, () => void resubscribe(root.dir)));
        },
        { ignore: root.ignore },
      );
      return ok(sub);
    } catch (e) {
      return fail(watchFailure(root.dir, e, plan.folders));
    }
  };
  // @parcel/watcher keeps one folder tree per watched folder while any subscription holds it, and a new
  // subscription reuses it as it is: only once the old one has ended does subscribing walk the folder again.
  // A change in the few milliseconds between is not seen; the new folder's entries were reported already.
  const resubscribe = (dir: string): Promise<void> =>
    serial(async () => {
      const held = subscribed.get(dir);
      if (!held) return;
      subscribed.delete(dir);
      await held.sub.unsubscribe().catch(() => undefined);
      const sub = await subscribe(held.root);
      if (!sub.ok) return onError(sub.error);
      subscribed.set(dir, { root: held.root, sub: sub.value });
    });
  const update = (next: WatchPlan): Promise<Result<void, Diagnostic>> => serial(() => apply(next));
  const apply = async (next: WatchPlan): Promise<Result<void, Diagnostic>> => {
    const wanted = new Map(next.roots.map((r) => [r.dir, r]));
    for (const [dir, held] of subscribed) {
      const want = wanted.get(dir);
      if (want && JSON.stringify(want.ignore) === JSON.stringify(held.root.ignore)) continue;
      subscribed.delete(dir);
      await held.sub.unsubscribe().catch(() => undefined);
    }
    for (const root of next.roots) {
      if (subscribed.has(root.dir)) continue;
      const sub = await subscribe(root);
      if (!sub.ok) return sub;
      subscribed.set(root.dir, { root, sub: sub.value });
    }
    return ok(undefined);
  };
  const first = await update(plan);
  const watcher: Watcher = {
    update,
    close: async () => {
      await queue;
      const subs = [...subscribed.values()];
      subscribed.clear();
      await Promise.all(subs.map((s) => s.sub.unsubscribe().catch(() => undefined)));
    },
  };
  if (!first.ok) {
    await watcher.close();
    return first;
  }
  return ok(watcher);
}

/**
 * The changes of a batch, with what a new folder already held. Inotify watches a new folder only once its
 * creation is seen, so what was made in it before (`mkdir -p a/b`, a folder moved in, a checkout) sends no
 * event: each such entry is reported as created here, and a new folder that holds folders calls `rewatch`,
 * since those are not watched at all.
 */
function withNewFolders(
  events: readonly { path: string; type: FileChange['type'] }[],
  rewatch: () => void,
): FileChange[] {
  const changes: FileChange[] = events.map((e) => ({ path: e.path, type: e.type }));
  let nested = false;
  for (const e of events) {
    if (e.type !== 'create' || statOf(e.path)?.isDirectory() !== true) continue;
    const stack = [e.path];
    for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
      for (const entry of folderEntries(dir)) {
        const path = join(dir, entry.name);
        changes.push({ path, type: 'create' });
        if (entry.isDirectory()) {
          nested = true;
          stack.push(path);
        }
      }
    }
  }
  if (nested) rewatch();
  return changes;
}

/** The one message of a folder that cannot be watched; the inotify limits say how to raise them. */
function watchFailure(dir: string, e: unknown, folders: number): Diagnostic {
  const detail = e instanceof Error ? e.message : String(e);
  if (/no space left on device|ENOSPC/i.test(detail)) {
    const limit = procNumber('max_user_watches');
    return error(
      `Cannot watch "${dir}": the system allows ${limit ?? 'too few'} inotify watches per user (fs.inotify.max_user_watches), and dsg dev needs one per folder (${folders} here, besides other programs' watches)`,
      undefined,
      'raise the limit: sudo sysctl fs.inotify.max_user_watches=524288, and add that line to /etc/sysctl.d/90-inotify.conf to keep it',
    );
  }
  if (/too many open files|EMFILE/i.test(detail)) {
    return error(
      `Cannot watch "${dir}": the system allows ${procNumber('max_user_instances') ?? 'too few'} inotify instances per user (fs.inotify.max_user_instances)`,
      undefined,
      'raise the limit: sudo sysctl fs.inotify.max_user_instances=1024, or close other watching programs',
    );
  }
  return error(`Cannot watch "${dir}": ${detail}`);
}

function procNumber(name: string): number | undefined {
  try {
    const n = Number(readFileSync(`/proc/sys/fs/inotify/${name}`, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
