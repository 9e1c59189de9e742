// In-process readers-writer mutex keyed by a string (the mailbox file's real path).
// fcntl/OFD locks conflict between two descriptors of this process but flock/dotlocks would let
// two sessions of one process trample each other, and the lock set's try/back-off loop would make
// two in-process users fight with retries; this mutex queues them instead, first come first
// served: a request is granted when it is compatible with the holders and nobody is queued ahead.

import { LockError } from './errors.js';

/** Releases a mutex grant; calling it more than once does nothing. */
export type MutexRelease = () => void;

/** Options of one mutex request. */
export interface MutexAcquireOptions {
  /** Shared (readers) or exclusive (writer); default exclusive. */
  exclusive?: boolean;
  /** Give up with LockError InUse after this many ms; undefined waits forever, 0 only tries. */
  timeoutMs?: number;
  /** Abort the wait; rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface Waiter {
  exclusive: boolean;
  grant: () => void;
}

interface Entry {
  readers: number;
  writer: boolean;
  queue: Waiter[];
}

/** A set of readers-writer mutexes, one per key, created on demand and dropped when idle. */
export class KeyedMutex {
  private readonly entries = new Map<string, Entry>();

  /** Number of keys currently held or waited for (for tests and leak checks). */
  get activeKeys(): number {
    return this.entries.size;
  }

  /** Waits until `key` can be held in the requested mode; resolves to the release function. */
  acquire(key: string, options: MutexAcquireOptions = {}): Promise<MutexRelease> {
    const exclusive = options.exclusive ?? true;
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { readers: 0, writer: false, queue: [] };
      this.entries.set(key, entry);
    }
    const e = entry;
    if (e.queue.length === 0 && this.compatible(e, exclusive)) {
      this.take(e, exclusive);
      return Promise.resolve(this.releaser(key, e, exclusive));
    }
    if (timeoutMs !== undefined && timeoutMs <= 0) {
      this.dropIfIdle(key, e);
      return Promise.reject(new LockError('InUse', key, `${key} is in use by another session of this process`));
    }
    return new Promise<MutexRelease>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        exclusive,
        grant: () => {
          cleanup();
          resolve(this.releaser(key, e, exclusive));
        },
      };
      const giveUp = (reason: unknown) => {
        const i = e.queue.indexOf(waiter);
        if (i < 0) return;
        e.queue.splice(i, 1);
        cleanup();
        reject(reason);
        this.pump(key, e); // leaving the queue may unblock those behind us
      };
      const onAbort = () => giveUp(signal?.reason);
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () => giveUp(new LockError('InUse', key, `${key} stayed in use by another session of this process for ${timeoutMs} ms`)),
          timeoutMs,
        );
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      e.queue.push(waiter);
    });
  }

  private compatible(e: Entry, exclusive: boolean): boolean {
    return exclusive ? !e.writer && e.readers === 0 : !e.writer;
  }

  private take(e: Entry, exclusive: boolean): void {
    if (exclusive) e.writer = true;
    else e.readers++;
  }

  private releaser(key: string, e: Entry, exclusive: boolean): MutexRelease {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (exclusive) e.writer = false;
      else e.readers--;
      this.pump(key, e);
    };
  }

  private pump(key: string, e: Entry): void {
    while (e.queue.length > 0 && this.compatible(e, e.queue[0].exclusive)) {
      const w = e.queue.shift() as Waiter;
      this.take(e, w.exclusive);
      w.grant();
    }
    this.dropIfIdle(key, e);
  }

  private dropIfIdle(key: string, e: Entry): void {
    if (!e.writer && e.readers === 0 && e.queue.length === 0 && this.entries.get(key) === e) this.entries.delete(key);
  }
}
