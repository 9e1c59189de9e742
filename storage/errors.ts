// Typed storage errors. No protocol words: the IMAP and POP3 layers map `code` to their responses.

/** The stable codes of every storage failure. */
export type MailErrorCode =
  | 'NotFound'
  | 'Exists'
  | 'InUse'
  | 'Expunged'
  | 'Perm'
  | 'TooBig'
  | 'QuotaExceeded'
  | 'Temp'
  | 'Corrupt'
  | 'Invalid'
  | 'Cannot';

/** A storage failure with a stable code and a human-readable reason (no paths of other users). */
export class MailError extends Error {
  constructor(
    readonly code: MailErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MailError';
  }
}

/** True when `err` is a MailError, optionally of the given code. */
export function isMailError(err: unknown, code?: MailErrorCode): err is MailError {
  return err instanceof MailError && (code === undefined || err.code === code);
}

/** True for a Node system error with the given errno code (ENOENT, EEXIST, ...). */
export function hasErrno(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes(String((err as { code?: unknown }).code));
}

/** Turns a file-system error into a MailError; MailErrors pass through unchanged. */
export function mailErrorFromSystem(err: unknown, what: string): MailError {
  if (err instanceof MailError) return err;
  if (hasErrno(err, 'ENOENT', 'ENOTDIR')) return new MailError('NotFound', `${what}: not found`, { cause: err });
  if (hasErrno(err, 'EEXIST', 'ENOTEMPTY')) return new MailError('Exists', `${what}: already exists`, { cause: err });
  if (hasErrno(err, 'EACCES', 'EPERM', 'EROFS')) return new MailError('Perm', `${what}: permission denied`, { cause: err });
  if (hasErrno(err, 'ENOSPC', 'EDQUOT')) return new MailError('QuotaExceeded', `${what}: no space left`, { cause: err });
  if (hasErrno(err, 'ENAMETOOLONG', 'EINVAL')) return new MailError('Invalid', `${what}: invalid name`, { cause: err });
  if (hasErrno(err, 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EIO', 'ESTALE')) {
    return new MailError('Temp', `${what}: temporary failure`, { cause: err });
  }
  return new MailError('Temp', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
