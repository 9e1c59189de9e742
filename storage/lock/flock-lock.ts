// flock(2) whole-file lock. fs-native-extensions offers only fcntl-family locks and Node has no
// flock binding, so the lock is taken by util-linux `flock(1)` on a descriptor it inherits from us:
// `flock -n -x 3` with our descriptor as its fd 3 locks the open file description and exits; a
// flock lock belongs to the description, not the process, so it stays held by our descriptor
// after the child has gone, and closing our descriptor (the last reference) releases it.
// One short-lived child per try: acceptable for a lock kind that only some sites configure.
// flock locks do not conflict with fcntl/OFD locks on local Linux filesystems (see fcntl-lock.ts).

import { spawn } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { LockError, lockErrorFromSystem } from './errors.js';

/** A held flock lock on one open descriptor of the file. */
export interface FlockLock {
  readonly kind: 'flock';
  readonly path: string;
  /** Releases the lock by closing the descriptor; idempotent. */
  release(): Promise<void>;
}

/** Runs `flock -n <mode> 3` on the descriptor; resolves to its exit status. */
function runFlock(fd: number, mode: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['-n', mode, '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      if (stderr.length < 1000) stderr += s;
    });
    child.on('error', (err) => {
      reject(new LockError('Temp', path, `cannot run flock(1) (util-linux) for ${path}: ${err.message}`, { cause: err }));
    });
    child.on('close', (status, signal) => {
      if (status === null) {
        reject(new LockError('Temp', path, `flock(1) killed by ${signal ?? 'a signal'} while locking ${path}`));
      } else if (status > 1) {
        reject(new LockError('Temp', path, `flock(1) failed on ${path} (exit ${status}): ${stderr.trim()}`));
      } else {
        resolve(status);
      }
    });
  });
}

/**
 * Tries once, without blocking, to take a flock lock (exclusive or shared) on `path`.
 * Returns null when another holder conflicts; throws LockError Perm/NotFound/Temp otherwise.
 */
export async function tryFlockLock(path: string, exclusive: boolean): Promise<FlockLock | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw lockErrorFromSystem(err, path, 'opening the file to lock it');
  }
  let status: number;
  try {
    status = await runFlock(fh.fd, exclusive ? '-x' : '-s', path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
  if (status !== 0) {
    await fh.close().catch(() => undefined);
    return null;
  }
  let released: Promise<void> | undefined;
  return {
    kind: 'flock',
    path,
    release() {
      released ??= fh.close();
      return released;
    },
  };
}
