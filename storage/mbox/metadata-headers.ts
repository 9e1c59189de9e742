// Values of the mbox metadata headers written by Dovecot, UW-IMAP, mutt and POP servers:
// `Content-Length`, `Status`, `X-Status`, `X-Keywords`, `X-UID`, `X-IMAPbase`, `X-IMAP`, `X-UIDL`.
// Parsing only; which flag letter means what is the mbox backend's business.

/** Lower-case names of the headers the scanner records with their byte ranges. */
export const METADATA_HEADERS = ['content-length', 'status', 'x-status', 'x-keywords', 'x-uid', 'x-imapbase', 'x-imap', 'x-uidl'] as const;

/** One of METADATA_HEADERS. */
export type MetadataHeaderName = (typeof METADATA_HEADERS)[number];

/** `X-IMAPbase: <uidvalidity> <last uid> [keyword ...]` (also UW's `X-IMAP`). */
export interface ImapBase {
  uidValidity: number;
  lastUid: number;
  keywords: string[];
}

const DECIMAL = /^\d{1,15}$/;

/** A non-negative decimal integer, or null when the value is not one. */
export function parseDecimal(value: string): number | null {
  const v = value.trim();
  return DECIMAL.test(v) ? Number(v) : null;
}

/** Parses an `X-IMAPbase`/`X-IMAP` value; null when the two numbers are missing or invalid. */
export function parseImapBase(value: string): ImapBase | null {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 2 || !DECIMAL.test(parts[0]) || !DECIMAL.test(parts[1])) return null;
  return { uidValidity: Number(parts[0]), lastUid: Number(parts[1]), keywords: parts.slice(2) };
}

/** Parses `X-Keywords` (space-separated keyword names). */
export function parseKeywords(value: string): string[] {
  return value.split(/\s+/).filter((k) => k !== '');
}

/** Parses `Status`/`X-Status`: the flag letters, whitespace removed. */
export function parseStatusLetters(value: string): string {
  return value.replace(/\s+/g, '');
}
