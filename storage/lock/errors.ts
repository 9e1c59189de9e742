// Typed errors of the locking layer: a LockError is a MailError (storage/errors.ts) whose code is
// one of the lock outcomes, plus the path concerned, so the mbox backend can pass it up as is.

import { MailError } from '../errors.js';

/** Stable codes of lock failures: busy until the deadline, no permission, missing file, or a transient fault. */
export type LockErrorCode = 'InUse' | 'Perm' | 'NotFound' | 'Temp';

/** A lock could not be taken or released; `code` says why, `path` names the file concerned. */
export class LockError extends MailError {
  declare readonly code: LockErrorCode;

  constructor(
    code: LockErrorCode,
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
    this.name = 'LockError';
  }
}

/** Maps a Node system error (EACCES, ENOENT, …) met on `path` during `what` to a LockError. */
export function lockErrorFromSystem(err: unknown, path: string, what: string): LockError {
  if (err instanceof LockError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new LockError('Perm', path, `${what}: permission denied on ${path} (${detail})`, { cause: err });
    case 'ENOENT':
    case 'ENOTDIR':
      return new LockError('NotFound', path, `${what}: ${path} does not exist (${detail})`, { cause: err });
    default:
      return new LockError('Temp', path, `${what}: ${path}: ${detail}`, { cause: err });
  }
}
