// Waiting for a directory change: fs.watch (inotify) on the given directories for promptness,
// and a stat poll every pollMs as the fallback that also works where watching sees nothing (NFS).

import { watch } from 'node:fs/promises';

/** What to watch and how to tell that something changed. */
export interface DirChangeWait {
  /** Directories to fs.watch (may be empty: polling only). */
  watchDirs: readonly string[];
  /** A value that differs once the directories changed (e.g. inode + mtime). */
  stamp: () => Promise<string>;
  /** The stamp to compare with. */
  initial: string;
  pollMs: number;
  signal: AbortSignal;
}

/** Resolves at the first change; rejects with the signal's reason when it aborts. */
export async function waitForDirChange(w: DirChangeWait): Promise<void> {
  if (w.signal.aborted) throw w.signal.reason;
  const inner = new AbortController();
  const onAbort = () => inner.abort(w.signal.reason);
  w.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        inner.abort();
        if (err !== undefined) reject(err);
        else resolve();
      };
      inner.signal.addEventListener('abort', () => finish(w.signal.aborted ? w.signal.reason : undefined), { once: true });
      const timer = setInterval(() => {
        w.stamp().then(
          (s) => s !== w.initial && finish(),
          () => undefined,
        );
      }, w.pollMs);
      // A change that happened before we got here is seen by the first poll, or at once:
      w.stamp().then(
        (s) => s !== w.initial && finish(),
        () => undefined,
      );
      for (const dir of w.watchDirs) {
        (async () => {
          try {
            for await (const _ev of watch(dir, { signal: inner.signal })) return finish();
          } catch {
            // Aborted, or watching unsupported: the poll covers it.
          }
        })();
      }
    });
  } finally {
    w.signal.removeEventListener('abort', onAbort);
  }
}
