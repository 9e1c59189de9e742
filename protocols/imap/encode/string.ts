// Strings on the wire (RFC 3501 §4.3, §9): the encoder picks atom, quoted string or literal so that
// any byte string round-trips; NIL stands for null.
//
// Rules: an atom only where the grammar allows one (astring, e.g. mailbox names) and never for the
// word NIL; a quoted string for short text without CR, LF, NUL or (unless UTF-8 was enabled) 8-bit
// bytes, with `"` and `\` escaped; a literal `{n}CRLF bytes` otherwise. NUL cannot appear in a
// `string` at all (CHAR8 excludes it): where BINARY allows it the encoder emits a literal8
// `~{n}`, elsewhere it replaces NUL by 0x80, as Dovecot does, rather than send an invalid literal.

import { isAstringChar, isValidUtf8 } from '../parser/cursor.js';

/** How a string may be written. */
export interface StringOptions {
  /** Allow an atom (astring positions such as mailbox names). Default false. */
  atom?: boolean;
  /** 8-bit UTF-8 may be quoted (after ENABLE UTF8=ACCEPT). Default false. */
  utf8?: boolean;
  /** NUL bytes may be sent in a literal8 (BINARY fetch responses). Default false. */
  binary?: boolean;
  /** Longest string sent quoted; longer ones become literals. Default 1024. */
  maxQuoted?: number;
}

const NIL = Buffer.from('NIL');

function toBytes(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** The `{n}CRLF` (or `~{n}CRLF`) that precedes a literal's bytes, for bodies streamed after it. */
export function literalPrefix(size: number, binary = false): Buffer {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Invalid literal size ${size}`);
  return Buffer.from(`${binary ? '~' : ''}{${size}}\r\n`);
}

/** A literal `{n}CRLF` + bytes (or `~{n}` when `binary`). */
export function encodeLiteral(bytes: Buffer, binary = false): Buffer {
  return Buffer.concat([literalPrefix(bytes.length, binary), bytes]);
}

/** True if `bytes` can be an atom: 1*ATOM-CHAR (no `]` either, to stay safe everywhere) and not NIL. */
function canBeAtom(bytes: Buffer): boolean {
  if (bytes.length === 0 || bytes.length > 1024) return false;
  for (const c of bytes) if (!isAstringChar(c) || c === 0x5d) return false;
  return bytes.toString('latin1').toUpperCase() !== 'NIL';
}

function canBeQuoted(bytes: Buffer, options: StringOptions): boolean {
  if (bytes.length > (options.maxQuoted ?? 1024)) return false;
  let eightBit = false;
  for (const c of bytes) {
    if (c === 0x00 || c === 0x0d || c === 0x0a) return false;
    if (c >= 0x80) eightBit = true;
  }
  return !eightBit || (options.utf8 === true && isValidUtf8(bytes));
}

function quote(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length * 2 + 2);
  let n = 0;
  out[n++] = 0x22;
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c) out[n++] = 0x5c;
    out[n++] = c;
  }
  out[n++] = 0x22;
  return out.subarray(0, n);
}

/** Encodes a string (or NIL for null) as atom, quoted string or literal; see the rules above. */
export function encodeString(value: Buffer | string | null | undefined, options: StringOptions = {}): Buffer {
  if (value === null || value === undefined) return NIL;
  let bytes = toBytes(value);
  if (options.atom && canBeAtom(bytes)) return Buffer.from(bytes);
  if (canBeQuoted(bytes, options)) return quote(bytes);
  if (bytes.includes(0)) {
    if (options.binary) return encodeLiteral(bytes, true);
    bytes = Buffer.from(bytes);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) bytes[i] = 0x80;
  }
  return encodeLiteral(bytes);
}

/** An astring (mailbox names, LIST/STATUS replies): atom when possible. */
export function encodeAstring(value: Buffer | string, options: Omit<StringOptions, 'atom'> = {}): Buffer {
  return encodeString(value, { ...options, atom: true });
}
