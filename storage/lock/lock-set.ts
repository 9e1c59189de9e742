// Taking several lock kinds on one mailbox file without ever deadlocking with a delivery agent.
//
// Delivery agents disagree on the order of their locks (Postfix and Debian policy: fcntl then
// dotlock; procmail: dotlock then fcntl). A process that holds one lock while it waits for the
// other deadlocks with an agent using the other order until someone times out, and mail stalls.
// So each round tries every kind in the configured order without blocking; if one is busy, all
// kinds taken in this round are released, we sleep (exponential back-off with jitter, small at
// first so an uncontended retry is quick) and start the round over, until the deadline, then
// fail with LockError InUse. Nothing here blocks the event loop. Before the file locks, an
// in-process readers-writer mutex per real path queues sessions of this same process, so they
// wait in line instead of fighting through the back-off loop (and so flock/dotlock, which do not
// tell two users in one process apart, still serialise them).

import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import { LockError, lockErrorFromSystem } from './errors.js';
import { tryFcntlLock } from './fcntl-lock.js';
import { tryFlockLock } from './flock-lock.js';
import { tryDotlock, type Dotlock } from './dotlock.js';
import { KeyedMutex } from './mutex.js';

/** A lock kind, as named in the `[mbox] read_locks` / `write_locks` configuration. */
export type LockKind = 'fcntl' | 'dotlock' | 'flock';

/** Time source of the back-off loop; injectable so tests need no timing luck. */
export interface LockClock {
  /** Milliseconds on a monotonic-enough scale. */
  now(): number;
  /** Resolves after `ms`, rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Options of acquireLocks. */
export interface AcquireLocksOptions {
  /** Exclusive (writing) or shared (reading). Dotlocks are always exclusive. */
  exclusive: boolean;
  /** Deadline for the whole acquisition; 0 tries each kind once. */
  timeoutMs: number;
  /** Dotlock stale age by mtime (default 300 000 ms). */
  staleMs?: number;
  /** Interval for touching a held dotlock (default staleMs / 3). */
  dotlockTouchIntervalMs?: number;
  /** Cancels the acquisition (rejects with the signal's reason, holding nothing). */
  signal?: AbortSignal;
  /** First back-off delay in ms (default 5); doubles per round up to maxBackoffMs. */
  initialBackoffMs?: number;
  /** Largest back-off delay in ms (default 250). */
  maxBackoffMs?: number;
  /** Clock for deadline and back-off (default: real time). */
  clock?: LockClock;
  /** In-process mutex table (default: the process-wide one). */
  mutex?: KeyedMutex;
  /** Called each time a round finds `kind` busy (before backing off); for logging and tests. */
  onBusy?: (kind: LockKind, attempt: number) => void;
}

/** The locks held on one file; release them all with release(). */
export interface LockSet {
  /** The path that was asked for. */
  readonly path: string;
  /** The resolved path the in-process mutex is keyed on. */
  readonly realPath: string;
  readonly kinds: readonly LockKind[];
  readonly exclusive: boolean;
  /** True if a held dotlock was found removed or replaced by someone else. */
  readonly dotlockLost: boolean;
  /** Releases every lock in reverse order, then the mutex; idempotent. */
  release(): Promise<void>;
}

interface HeldLock {
  release(): Promise<void>;
}

/** The process-wide mutex table used when none is injected. */
export const processMutex = new KeyedMutex();

const realClock: LockClock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    try {
      await sleepTimer(ms, undefined, { signal });
    } catch (err) {
      throw signal?.aborted ? signal.reason : err;
    }
  },
};

/** The real path of `path`, or of its directory plus its name when the file does not exist. */
async function resolveLockPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw lockErrorFromSystem(err, path, 'resolving the path to lock');
  }
  try {
    return join(await realpath(dirname(path)), basename(path));
  } catch (err) {
    throw lockErrorFromSystem(err, path, 'resolving the path to lock');
  }
}

async function releaseAll(held: HeldLock[]): Promise<void> {
  let first: unknown;
  for (let i = held.length - 1; i >= 0; i--) {
    try {
      await held[i].release();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

/**
 * Takes the lock `kinds` on `path` in the given order (see the design comment above): try each
 * without blocking, on a busy one release everything, back off and retry until `timeoutMs`
 * has passed, then throw LockError InUse. Other failures throw LockError Perm/NotFound/Temp.
 */
export async function acquireLocks(path: string, kinds: readonly LockKind[], options: AcquireLocksOptions): Promise<LockSet> {
  const seen = new Set<string>();
  for (const k of kinds) {
    if (k !== 'fcntl' && k !== 'dotlock' && k !== 'flock') throw new RangeError(`unknown lock kind ${JSON.stringify(k)}`);
    if (seen.has(k)) throw new RangeError(`lock kind ${k} listed twice`);
    seen.add(k);
  }
  if (!(options.timeoutMs >= 0)) throw new RangeError(`timeoutMs must be >= 0, got ${options.timeoutMs}`);
  const clock = options.clock ?? realClock;
  const mutex = options.mutex ?? processMutex;
  const { exclusive, signal } = options;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  signal?.throwIfAborted();

  const realPath = await resolveLockPath(path);
  // A dotlock is exclusive whatever the mode, so in-process users of one then queue as writers.
  const mutexExclusive = exclusive || kinds.includes('dotlock');
  const releaseMutex = await mutex.acquire(realPath, { exclusive: mutexExclusive, timeoutMs: options.timeoutMs, signal });
  try {
    let delay = options.initialBackoffMs ?? 5;
    const maxDelay = options.maxBackoffMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const held: HeldLock[] = [];
      let dotlock: Dotlock | undefined;
      let busy: LockKind | undefined;
      try {
        for (const kind of kinds) {
          let lock: HeldLock | null;
          if (kind === 'fcntl') lock = await tryFcntlLock(path, exclusive);
          else if (kind === 'flock') lock = await tryFlockLock(path, exclusive);
          else {
            dotlock = (await tryDotlock(path, { staleMs: options.staleMs, touchIntervalMs: options.dotlockTouchIntervalMs })) ?? undefined;
            lock = dotlock ?? null;
          }
          if (!lock) {
            busy = kind;
            break;
          }
          held.push(lock);
        }
      } catch (err) {
        await releaseAll(held).catch(() => undefined);
        throw err;
      }
      if (busy === undefined) return lockSet(path, realPath, kinds, exclusive, held, dotlock, releaseMutex);
      await releaseAll(held);
      options.onBusy?.(busy, attempt);
      const remaining = deadline - clock.now();
      if (remaining <= 0) {
        throw new LockError('InUse', path, `${path}: the ${busy} lock is still held by another process after ${options.timeoutMs} ms`);
      }
      const jittered = delay / 2 + (Math.random() * delay) / 2;
      await clock.sleep(Math.min(remaining, jittered), signal);
      delay = Math.min(maxDelay, delay * 2);
    }
  } catch (err) {
    releaseMutex();
    throw err;
  }
}

function lockSet(
  path: string,
  realPath: string,
  kinds: readonly LockKind[],
  exclusive: boolean,
  held: HeldLock[],
  dotlock: Dotlock | undefined,
  releaseMutex: () => void,
): LockSet {
  let released: Promise<void> | undefined;
  return {
    path,
    realPath,
    kinds: [...kinds],
    exclusive,
    get dotlockLost() {
      return dotlock?.lost ?? false;
    },
    release() {
      released ??= releaseAll(held).finally(releaseMutex);
      return released;
    },
  };
}
