// NFS-safe dotlock `<file>.lock`, interoperable with liblockfile, procmail's lockfile(1),
// Postfix and dovecot-lda.
//
// One try (never blocks): write our pid to a unique temp file next to the lock
// (`.lk<hostname><pid><random>`), link() it to `<file>.lock`, and own the lock iff the temp file's
// link count is then 2. The link count, not link()'s return value, decides, because over NFS a
// retransmitted LINK can report EEXIST although it succeeded. The temp file is always unlinked.
// If the lock exists and its mtime is older than `staleMs` (measured against the temp file's own
// mtime, i.e. the file server's clock, as liblockfile does, unless a clock is injected), it is
// removed, but only if it is still the same file (inode and mtime unchanged since we judged it
// stale), and the link is tried once more. While held, the lock is touched periodically so it
// never looks stale; touch and release act only if `<file>.lock` is still ours (inode, birth
// time and content).

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { link, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { lockErrorFromSystem } from './errors.js';

/** Default age after which a dotlock is stale, as liblockfile (5 minutes). */
export const DEFAULT_DOTLOCK_STALE_MS = 300_000;

/** Options of one dotlock try. */
export interface DotlockOptions {
  /** A lock whose mtime is older than this is removed (default 300 000 ms). */
  staleMs?: number;
  /** How often a held lock is touched; default staleMs / 3 (at least 1 s); 0 disables the timer. */
  touchIntervalMs?: number;
  /** Clock for the stale test, in ms since the epoch; default: the temp file's mtime (server time). */
  now?: () => number;
}

/** A held dotlock. */
export interface Dotlock {
  readonly kind: 'dotlock';
  /** The locked file (the mbox), not the lock file. */
  readonly path: string;
  /** `<path>.lock`. */
  readonly lockPath: string;
  /** True once the lock file was found replaced or removed by someone else. */
  readonly lost: boolean;
  /** Refreshes the lock's mtime if it is still ours; false (and `lost`) when it is not. */
  touch(): Promise<boolean>;
  /** Stops touching and removes the lock file if it is still ours; idempotent. */
  release(): Promise<void>;
}

function tempName(dir: string): string {
  // Keep the name well under NAME_MAX even with a long host name; '/' cannot occur in it.
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 64);
  return join(dir, `.lk${host}${process.pid}${randomBytes(6).toString('hex')}`);
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

/** Same inode and same birth time: an unlinked inode number is often reused at once. */
function sameBirth(a: Stats, b: Stats): boolean {
  return sameFile(a, b) && a.birthtimeMs === b.birthtimeMs;
}

async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await stat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Tries once, without waiting, to create `<path>.lock`. Returns the held lock, or null when a
 * live (non-stale) lock exists. Throws LockError Perm (no write access to the directory),
 * NotFound (no such directory) or Temp.
 */
export async function tryDotlock(path: string, options: DotlockOptions = {}): Promise<Dotlock | null> {
  const staleMs = options.staleMs ?? DEFAULT_DOTLOCK_STALE_MS;
  const lockPath = `${path}.lock`;
  const dir = dirname(lockPath);
  const tmp = tempName(dir);
  const content = `${process.pid}\n`;
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(content);
    } finally {
      await fh.close();
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw lockErrorFromSystem(err, lockPath, `creating a dotlock in ${dir}`);
  }
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      let linkErr: NodeJS.ErrnoException | null = null;
      try {
        await link(tmp, lockPath);
      } catch (err) {
        linkErr = err as NodeJS.ErrnoException;
      }
      const own = await stat(tmp);
      if (own.nlink === 2) return heldDotlock(path, lockPath, own, content, staleMs, options.touchIntervalMs);
      if (linkErr && linkErr.code !== 'EEXIST') throw linkErr;
      const existing = await statOrNull(lockPath);
      if (!existing) continue; // removed meanwhile: try the link again
      const now = options.now ? options.now() : own.mtimeMs;
      if (now - existing.mtimeMs <= staleMs) return null;
      // Stale: remove it only if it is still the very file we judged stale.
      const again = await statOrNull(lockPath);
      if (again && sameFile(again, existing) && again.mtimeMs === existing.mtimeMs) {
        await unlink(lockPath).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
      }
    }
    return null;
  } catch (err) {
    throw lockErrorFromSystem(err, lockPath, 'dotlock');
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

function heldDotlock(path: string, lockPath: string, own: Stats, content: string, staleMs: number, touchIntervalMs?: number): Dotlock {
  let lost = false;
  let released: Promise<void> | undefined;
  const interval = touchIntervalMs ?? Math.max(1000, Math.floor(staleMs / 3));

  // Ours = same inode, same birth time and still our content: inode numbers are reused as soon
  // as a file is unlinked, so after a foreign stale-break and re-create the inode alone can lie.
  // Runs `action` on the open lock file when it is ours; marks the lock lost otherwise.
  async function whenOurs(what: string, action: (fh: FileHandle) => Promise<void>): Promise<boolean> {
    if (lost) return false;
    let fh: FileHandle;
    try {
      fh = await open(lockPath, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        lost = true;
        return false;
      }
      throw lockErrorFromSystem(err, lockPath, what);
    }
    try {
      const buf = Buffer.alloc(64);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      if (!sameBirth(await fh.stat(), own) || buf.toString('latin1', 0, bytesRead) !== content) {
        lost = true;
        return false;
      }
      await action(fh);
      return true;
    } catch (err) {
      throw lockErrorFromSystem(err, lockPath, what);
    } finally {
      await fh.close();
    }
  }

  function touch(): Promise<boolean> {
    return whenOurs('touching the dotlock', async (fh) => {
      const t = new Date();
      await fh.utimes(t, t);
    });
  }

  const timer =
    interval > 0
      ? setInterval(() => {
          touch().catch(() => undefined);
        }, interval)
      : undefined;
  timer?.unref();

  return {
    kind: 'dotlock',
    path,
    lockPath,
    get lost() {
      return lost;
    },
    touch,
    release() {
      released ??= (async () => {
        if (timer) clearInterval(timer);
        await whenOurs('removing the dotlock', async () => {
          await unlink(lockPath).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOENT') throw err;
          });
        });
      })();
      return released;
    },
  };
}

