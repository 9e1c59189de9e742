// Response lines (RFC 3501 §7): tagged and untagged status responses with response codes,
// untagged data, continuation requests, and the small list/flag/number/date helpers they need.
// Every function returns the exact bytes to write, CRLF included where a line ends.

import { isAtomChar } from '../parser/cursor.js';

const CRLF = Buffer.from('\r\n');

/** A part of a response: raw protocol text (no CR/LF allowed), bytes already encoded, or a number. */
export type Part = string | number | Buffer;

/** A response code `[NAME args]`, e.g. `{ name: 'UIDNEXT', args: [5] }` or `{ name: 'PERMANENTFLAGS', args: [flagList] }`. */
export interface ResponseCode {
  name: string;
  args?: Part[];
}

/** Status of a tagged response. */
export type TaggedStatus = 'OK' | 'NO' | 'BAD';

/** Status of an untagged status response. */
export type UntaggedStatus = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

function partBytes(part: Part): Buffer {
  if (Buffer.isBuffer(part)) return part;
  if (typeof part === 'number') {
    if (!Number.isSafeInteger(part) || part < 0) throw new RangeError(`Not a valid IMAP number: ${part}`);
    return Buffer.from(String(part));
  }
  if (/[\r\n]/.test(part)) throw new Error('Raw response text must not contain CR or LF');
  return Buffer.from(part, 'utf8');
}

/** Joins parts with single spaces. */
export function joinParts(parts: readonly Part[]): Buffer {
  const bufs: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) bufs.push(Buffer.from(' '));
    bufs.push(partBytes(p));
  });
  return Buffer.concat(bufs);
}

/** A parenthesised list `(a b c)`. */
export function paren(parts: readonly Part[]): Buffer {
  return Buffer.concat([Buffer.from('('), joinParts(parts), Buffer.from(')')]);
}

/** Human-readable text: CR, LF and other controls become spaces; a leading `[` is kept from looking like a code. */
function cleanText(text: string): string {
  const clean = text.replace(/[\x00-\x1f\x7f]/g, ' ');
  return clean.startsWith('[') ? ` ${clean}` : clean;
}

function encodeCode(code: ResponseCode): Buffer {
  if (!/^[A-Z0-9.=-]+$/i.test(code.name)) throw new Error(`Invalid response code name ${code.name}`);
  const inner = code.args && code.args.length > 0 ? joinParts([code.name, ...code.args]) : Buffer.from(code.name);
  return Buffer.concat([Buffer.from('['), inner, Buffer.from(']')]);
}

function statusLine(prefix: string, status: string, text: string, code?: ResponseCode): Buffer {
  const bufs: Buffer[] = [Buffer.from(`${prefix} ${status} `)];
  if (code) bufs.push(encodeCode(code), Buffer.from(' '));
  bufs.push(Buffer.from(cleanText(text), 'utf8'), CRLF);
  return Buffer.concat(bufs);
}

/** `tag OK [CODE] text` CRLF. */
export function tagged(tag: string, status: TaggedStatus, text: string, code?: ResponseCode): Buffer {
  if (!/^[\x21-\x7e]+$/.test(tag) || tag.includes('+')) throw new Error(`Invalid tag ${JSON.stringify(tag)}`);
  return statusLine(tag, status, text, code);
}

/** `* OK [CODE] text` CRLF (also NO, BAD, BYE, PREAUTH). */
export function untaggedStatus(status: UntaggedStatus, text: string, code?: ResponseCode): Buffer {
  return statusLine('*', status, text, code);
}

/** `* part part …` CRLF, e.g. `untagged(3, 'EXISTS')`, `untagged('FLAGS', flagList(...))`. */
export function untagged(...parts: Part[]): Buffer {
  return Buffer.concat([Buffer.from('* '), joinParts(parts), CRLF]);
}

/** `+ text` CRLF: a continuation request (`+ Ready for literal`, or base64 SASL challenge data). */
export function continuation(text = 'Ready'): Buffer {
  return Buffer.concat([Buffer.from('+ '), Buffer.from(text.replace(/[\x00-\x1f\x7f]/g, ' '), 'utf8'), CRLF]);
}

/** True if `flag` is a valid flag or keyword: `\atom` or atom (`\*` too when allowed). */
export function isValidFlag(flag: string): boolean {
  if (flag === '\\*') return true;
  const body = flag.startsWith('\\') ? flag.slice(1) : flag;
  if (body.length === 0) return false;
  for (let i = 0; i < body.length; i++) if (!isAtomChar(body.charCodeAt(i))) return false;
  return true;
}

/** `(\Seen $Label)`; flags that are not valid atoms are left out rather than corrupt the response. */
export function flagList(flags: Iterable<string>): Buffer {
  return paren([...flags].filter(isValidFlag));
}

/** A sequence set from numbers (any order, duplicates allowed): `1:3,5,7:9`; empty input gives ''. */
export function sequenceSet(numbers: Iterable<number>): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const pieces: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    pieces.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return pieces.join(',');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date-time `"17-Jul-1996 02:44:25 -0700"` in the zone `offsetMinutes` east of UTC. */
export function dateTime(time: Date, offsetMinutes = 0): Buffer {
  const local = new Date(time.getTime() + offsetMinutes * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const day = String(local.getUTCDate()).padStart(2, ' ');
  const text = `${day}-${MONTHS[local.getUTCMonth()]}-${pad(local.getUTCFullYear(), 4)} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  return Buffer.from(`"${text}"`);
}
