// SEARCH results on the wire: `* SEARCH n …` (RFC 3501 §7.2.5), or with RETURN options
// `* ESEARCH (TAG "t") [UID] MIN a MAX b COUNT c ALL set` (RFC 4731 §3.1), and which numbers
// RETURN (SAVE) keeps for `$` (RFC 5182 §2.4).

import { encodeString } from '../encode/string.js';
import { sequenceSet } from '../encode/response.js';
import type { SearchReturnOption } from '../parser/types.js';

/** `* SEARCH 1 2 3` CRLF (numbers as the client numbers them: sequence numbers or UIDs). */
export function searchLine(numbers: readonly number[]): Buffer {
  return Buffer.from(`* SEARCH${numbers.map((n) => ` ${n}`).join('')}\r\n`);
}

/** The effective RETURN options: `RETURN ()` means ALL. */
export function effectiveOptions(options: readonly SearchReturnOption[]): Set<SearchReturnOption> {
  const set = new Set(options);
  if (set.size === 0) set.add('ALL');
  return set;
}

/**
 * The `* ESEARCH` line, or null when only SAVE was asked (RFC 5182: no ESEARCH then). MIN, MAX
 * and ALL are left out when nothing matched; COUNT is always given when asked.
 */
export function esearchLine(tag: string, uid: boolean, options: ReadonlySet<SearchReturnOption>, numbers: readonly number[]): Buffer | null {
  if (options.size === 1 && options.has('SAVE')) return null;
  const sorted = [...numbers].sort((a, b) => a - b);
  let text = `* ESEARCH (TAG ${encodeString(tag).toString('latin1')})`;
  if (uid) text += ' UID';
  if (sorted.length > 0) {
    if (options.has('MIN')) text += ` MIN ${sorted[0]}`;
    if (options.has('MAX')) text += ` MAX ${sorted[sorted.length - 1]}`;
  }
  if (options.has('COUNT')) text += ` COUNT ${sorted.length}`;
  if (sorted.length > 0 && options.has('ALL')) text += ` ALL ${sequenceSet(sorted)}`;
  return Buffer.from(`${text}\r\n`);
}

/**
 * The UIDs RETURN (SAVE) keeps: all matches, or only the MIN and/or MAX ones when those are asked
 * without ALL or COUNT (RFC 5182 §2.4).
 */
export function savedResult(options: ReadonlySet<SearchReturnOption>, uids: readonly number[]): number[] {
  const sorted = [...uids].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const minMaxOnly = (options.has('MIN') || options.has('MAX')) && !options.has('ALL') && !options.has('COUNT');
  if (!minMaxOnly) return sorted;
  const out = new Set<number>();
  if (options.has('MIN')) out.add(sorted[0]);
  if (options.has('MAX')) out.add(sorted[sorted.length - 1]);
  return [...out];
}
