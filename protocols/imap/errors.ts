// Storage failures as IMAP tagged replies (RFC 5530 response codes); one place for the mapping.
import { isMailError } from '../../storage/errors.js';
import type { MailErrorCode } from '../../storage/errors.js';
import type { TaggedResult } from './commands/types.js';

const CODES: Record<MailErrorCode, string> = {
  NotFound: 'NONEXISTENT',
  Exists: 'ALREADYEXISTS',
  InUse: 'INUSE',
  Expunged: 'EXPUNGEISSUED',
  Perm: 'NOPERM',
  TooBig: 'LIMIT',
  QuotaExceeded: 'OVERQUOTA',
  Temp: 'UNAVAILABLE',
  Corrupt: 'CORRUPTION',
  Invalid: 'CANNOT',
  Cannot: 'CANNOT',
};

/** The response code for a storage error code. */
export function responseCodeFor(code: MailErrorCode): string {
  return CODES[code];
}

/**
 * A tagged NO for a failed storage call, or null when `err` is not a MailError (a bug: the caller
 * logs it and answers `NO [SERVERBUG]`). `what` prefixes the text ("Cannot create mailbox").
 */
export function mailErrorResult(err: unknown, what: string): TaggedResult | null {
  if (!isMailError(err)) return null;
  return { status: 'NO', code: CODES[err.code], text: `${what}: ${err.message}` };
}
