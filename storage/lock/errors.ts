// Typed errors of the locking layer. storage/errors.ts (MailError) did not exist when this was
// written, so locks throw their own LockError with the same code names the storage layer uses;
// the mbox backend can translate it 1:1 (`new MailError(err.code, err.message)`).

/** Stable codes of lock failures: busy until the deadline, no permission, missing file, or a transient fault. */
export type LockErrorCode = 'InUse' | 'Perm' | 'NotFound' | 'Temp';

/** A lock could not be taken or released; `code` says why, `path` names the file concerned. */
export class LockError extends Error {
  constructor(
    readonly code: LockErrorCode,
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
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
