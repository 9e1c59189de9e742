// Public surface of the locking layer (see lock-set.ts for the algorithm).
export { acquireLocks, processMutex, type AcquireLocksOptions, type LockClock, type LockKind, type LockSet } from './lock-set.js';
export { tryDotlock, DEFAULT_DOTLOCK_STALE_MS, type Dotlock, type DotlockOptions } from './dotlock.js';
export { tryFcntlLock, type FcntlLock } from './fcntl-lock.js';
export { tryFlockLock, type FlockLock } from './flock-lock.js';
export { KeyedMutex, type MutexAcquireOptions, type MutexRelease } from './mutex.js';
export { LockError, lockErrorFromSystem, type LockErrorCode } from './errors.js';
