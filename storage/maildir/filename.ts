// Maildir file names: `<base>[:2,<flags>]`. The base may carry `,S=<size>` (stored size) and
// `,W=<vsize>` (CRLF size, Dovecot). Flags: uppercase letters for the standard Maildir flags
// (D draft, F flagged, P passed, R replied, S seen, T trashed), lowercase a–z for keywords
// (mapped by dovecot-keywords), kept in ASCII order. Letters we do not know (P, other
// uppercase, digits) and info that is not `2,` are preserved as they were.

import type { Flags } from '../types.js';

/** A parsed Maildir file name. */
export interface MaildirName {
  /** Everything before the info separator: the message's stable identity. */
  base: string;
  /** The flag letters after `:2,` (empty when absent). */
  letters: string;
  /** True when the name has `:2,` info. */
  hasInfo: boolean;
  /** Info that is not `2,...` (e.g. `:1,...`), kept verbatim; null normally. */
  otherInfo: string | null;
  /** `,S=` value, or null. */
  size: number | null;
  /** `,W=` value (CRLF size), or null. */
  vsize: number | null;
}

/** The info separator (Dovecot's default on Unix). */
export const INFO_SEP = ':';

/** Parse a Maildir file name; null for names that are not messages (dot files, empty). */
export function parseMaildirName(name: string): MaildirName | null {
  if (name === '' || name.startsWith('.') || name.includes('/')) return null;
  const sep = name.indexOf(INFO_SEP);
  const base = sep < 0 ? name : name.slice(0, sep);
  if (base === '') return null;
  const info = sep < 0 ? null : name.slice(sep + 1);
  let letters = '';
  let hasInfo = false;
  let otherInfo: string | null = null;
  if (info !== null) {
    if (info.startsWith('2,')) {
      hasInfo = true;
      letters = info.slice(2);
    } else {
      otherInfo = info;
    }
  }
  return { base, letters, hasInfo, otherInfo, size: sizeField(base, 'S'), vsize: sizeField(base, 'W') };
}

function sizeField(base: string, key: string): number | null {
  const m = new RegExp(`,${key}=(\\d{1,15})(?=,|$)`).exec(base);
  return m ? Number(m[1]) : null;
}

const FLAG_LETTERS: ReadonlyArray<[keyof Flags, string]> = [
  ['draft', 'D'],
  ['flagged', 'F'],
  ['answered', 'R'],
  ['seen', 'S'],
  ['deleted', 'T'],
];

/** System flags and keyword indexes (0 = a) encoded in the letters. */
export function decodeLetters(letters: string): { flags: Flags; keywordIndexes: number[] } {
  const flags: Flags = { seen: false, answered: false, flagged: false, deleted: false, draft: false };
  for (const [flag, letter] of FLAG_LETTERS) if (letters.includes(letter)) flags[flag] = true;
  const keywordIndexes: number[] = [];
  for (const ch of letters) {
    const c = ch.charCodeAt(0);
    if (c >= 0x61 && c <= 0x7a) keywordIndexes.push(c - 0x61);
  }
  return { flags, keywordIndexes };
}

/**
 * New letters from old ones: the system flags and keywords given replace ours, every other
 * letter of the old set (P, unknown uppercase, digits) is kept. Result sorted, no duplicates.
 */
export function encodeLetters(old: string, flags: Flags, keywordIndexes: readonly number[]): string {
  const keep = [...old].filter((ch) => !FLAG_LETTERS.some(([, l]) => l === ch) && !(ch >= 'a' && ch <= 'z'));
  const set = new Set<string>(keep);
  for (const [flag, letter] of FLAG_LETTERS) if (flags[flag]) set.add(letter);
  for (const i of keywordIndexes) if (i >= 0 && i < 26) set.add(String.fromCharCode(0x61 + i));
  return [...set].sort().join('');
}

/** The file name for a base with these letters (`base:2,letters`), keeping non-`2,` info. */
export function formatMaildirName(parsed: MaildirName, letters: string): string {
  if (parsed.otherInfo !== null) return `${parsed.base}${INFO_SEP}${parsed.otherInfo}`;
  return `${parsed.base}${INFO_SEP}2,${letters}`;
}
