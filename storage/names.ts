// Mailbox name validation and the Maildir++ on-disk spelling of names.
//
// A name in the API is a Unicode string whose components are separated by the store's
// delimiter. Names are never paths: validation refuses everything that could reach outside the
// mail root or confuse the layout (empty components, "." and "..", "/" and "\", control
// characters, components starting with "." or "~", LIST wildcards), and enforces length limits.

import { MailError } from './errors.js';
import { decodeMutf7, encodeMutf7 } from './mutf7.js';

/** Limits of mailbox names; every one is a parameter. */
export interface NameLimits {
  /** Maximum length of the whole name in UTF-16 code units. */
  maxLength: number;
  /** Maximum length of one component once encoded on disk, in bytes. */
  maxComponentBytes: number;
  /** Maximum number of hierarchy levels. */
  maxDepth: number;
}

/** Defaults matching common file systems (255-byte directory names). */
export const DEFAULT_NAME_LIMITS: NameLimits = { maxLength: 512, maxComponentBytes: 200, maxDepth: 16 };

/** True when `name` denotes INBOX (case-insensitive). */
export function isInbox(name: string): boolean {
  return name.toUpperCase() === 'INBOX';
}

/** INBOX (any case) as the first component becomes `INBOX`; the rest is unchanged. */
export function canonicalName(name: string, delimiter: string): string {
  const cut = name.indexOf(delimiter);
  const first = cut < 0 ? name : name.slice(0, cut);
  return isInbox(first) ? 'INBOX' + (cut < 0 ? '' : name.slice(cut)) : name;
}

function invalid(name: string, why: string): MailError {
  return new MailError('Invalid', `invalid mailbox name ${JSON.stringify(name)}: ${why}`);
}

/** Validate a mailbox name and return its canonical form; throws MailError Invalid. */
export function validateMailboxName(name: string, delimiter: string, limits: NameLimits = DEFAULT_NAME_LIMITS): string {
  if (typeof name !== 'string' || name.length === 0) throw invalid(String(name), 'empty');
  if (name.length > limits.maxLength) throw invalid(name.slice(0, 40) + '…', 'too long');
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name)) throw invalid(name, 'broken Unicode');
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) throw invalid(name, 'control character');
    if (ch === '/' || ch === '\\') throw invalid(name, `"${ch}" not allowed`);
    if (ch === '*' || ch === '%') throw invalid(name, 'wildcard characters not allowed');
  }
  const parts = name.split(delimiter);
  if (parts.length > limits.maxDepth) throw invalid(name, 'too many hierarchy levels');
  for (const p of parts) {
    if (p === '') throw invalid(name, 'empty hierarchy component');
    if (p === '.' || p === '..') throw invalid(name, `"${p}" component`);
    if (p.startsWith('.') || p.startsWith('~')) throw invalid(name, 'component starts with "." or "~"');
    if (p.trim() !== p && p.trim() === '') throw invalid(name, 'blank component');
    if (Buffer.byteLength(encodeMutf7(p)) > limits.maxComponentBytes) throw invalid(name, 'component too long');
  }
  return canonicalName(name, delimiter);
}

/** The Maildir++ directory name of a mailbox (`.Lists.linux`), '' for INBOX. Name must be valid. */
export function maildirFolderDir(name: string): string {
  if (name === 'INBOX') return '';
  return '.' + name.split('.').map(encodeMutf7).join('.');
}

/** The mailbox name of a Maildir++ directory entry (`.Sent` → `Sent`), or null when it is not one. */
export function maildirFolderName(entry: string, limits: NameLimits = DEFAULT_NAME_LIMITS): string | null {
  if (!entry.startsWith('.') || entry === '.' || entry === '..') return null;
  try {
    const name = entry
      .slice(1)
      .split('.')
      .map((p) => decodeMutf7(p))
      .join('.');
    const canon = validateMailboxName(name, '.', limits);
    return maildirFolderDir(canon) === entry ? canon : null;
  } catch {
    return null;
  }
}
