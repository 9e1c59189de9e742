// fcntl-family whole-file lock through fs-native-extensions.
//
// What the library really does (read in node_modules/fs-native-extensions/src/linux.c, v1.5.1):
// on Linux `tryLock(fd, 0, 0, { shared })` is `fcntl(fd, F_OFD_SETLK, { l_type: F_WRLCK|F_RDLCK,
// l_whence: SEEK_SET, l_start: 0, l_len: 0 })`, i.e. an **open file description (OFD) lock** over
// the whole file, non-blocking; EAGAIN becomes `false`. `unlock` is F_OFD_SETLK with F_UNLCK.
// (macOS/BSD builds use classic F_SETLK; the library offers no flock().)
//
// Why that is right for mail spools: on Linux OFD locks and classic POSIX record locks
// (F_SETLK, lockf(3)) live in the same lock table and conflict with each other, so
// Postfix `local`, procmail, dovecot-lda and mutt, which use classic fcntl locks, see ours and
// we see theirs (tested against Python's fcntl.lockf). Two differences from classic locks matter:
//  - the owner is the open file description, not the process: two descriptors opened separately
//    in this process conflict with each other (so in-process users must be serialised by the
//    mutex in mutex.ts, not rely on sharing a lock);
//  - closing some other descriptor of the same file does not drop the lock (the classic-lock
//    trap), it lasts until unlock or until the last descriptor of this description is closed.
// flock(2) locks are a separate table on local Linux filesystems: they do not conflict with
// fcntl/OFD locks (only NFS emulates flock with fcntl locks), hence the separate 'flock' kind.

import { open, type FileHandle } from 'node:fs/promises';
import { tryLock, unlock } from 'fs-native-extensions';
import { LockError, lockErrorFromSystem } from './errors.js';

/** A held fcntl (OFD) lock on one open descriptor of the file. */
export interface FcntlLock {
  readonly kind: 'fcntl';
  readonly path: string;
  /** Drops the lock and closes the descriptor; idempotent. */
  release(): Promise<void>;
}

/**
 * Opens `path` (read-write for an exclusive lock, read-only for a shared one) and tries once,
 * without blocking, to lock the whole file. Returns null when another holder conflicts.
 * Throws LockError Perm/NotFound/Temp for a file that cannot be opened or locked.
 */
export async function tryFcntlLock(path: string, exclusive: boolean): Promise<FcntlLock | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, exclusive ? 'r+' : 'r');
  } catch (err) {
    throw lockErrorFromSystem(err, path, 'opening the file to lock it');
  }
  let locked: boolean;
  try {
    locked = tryLock(fh.fd, 0, 0, { shared: !exclusive });
  } catch (err) {
    await fh.close().catch(() => undefined);
    // POSIX lets F_SETLK report a conflict as EACCES instead of EAGAIN.
    if ((err as NodeJS.ErrnoException).code === 'EACCES') return null;
    throw lockErrorFromSystem(err, path, 'fcntl lock');
  }
  if (!locked) {
    await fh.close().catch(() => undefined);
    return null;
  }
  let released: Promise<void> | undefined;
  return {
    kind: 'fcntl',
    path,
    release() {
      released ??= (async () => {
        try {
          unlock(fh.fd, 0, 0);
        } catch (err) {
          // Closing the descriptor below drops the OFD lock anyway; report nothing worse than Temp.
          await fh.close().catch(() => undefined);
          throw new LockError('Temp', path, `fcntl unlock of ${path} failed: ${(err as Error).message}`, { cause: err });
        }
        await fh.close();
      })();
      return released;
    },
  };
}
