// Test helper: reads the parenthesized data of IMAP FETCH responses (RFC 3501 §4) into nested
// arrays so Dovecot's BODYSTRUCTURE and ENVELOPE can be compared with ours. Strings are given as
// bytes read by bytesToRawString (the convention of storage/message), NIL as null.

import { bytesToRawString } from '../../../../storage/message/header.js';

/** A parsed IMAP value. */
export type Sexp = string | null | Sexp[];

/** Parses one value at `pos` of `buf`; returns it and the position after it. */
export function parseSexp(buf: Buffer, pos: number): { value: Sexp; next: number } {
  while (buf[pos] === 0x20) pos++;
  const c = buf[pos];
  if (c === 0x28) {
    const list: Sexp[] = [];
    pos++;
    while (true) {
      while (buf[pos] === 0x20) pos++;
      if (buf[pos] === 0x29) return { value: list, next: pos + 1 };
      if (pos >= buf.length) throw new Error('unterminated list');
      const r = parseSexp(buf, pos);
      list.push(r.value);
      pos = r.next;
    }
  }
  if (c === 0x22) {
    const bytes: number[] = [];
    pos++;
    while (buf[pos] !== 0x22) {
      if (pos >= buf.length) throw new Error('unterminated string');
      if (buf[pos] === 0x5c) pos++;
      bytes.push(buf[pos]);
      pos++;
    }
    return { value: bytesToRawString(Buffer.from(bytes)), next: pos + 1 };
  }
  if (c === 0x7b) {
    const close = buf.indexOf('}', pos);
    const n = Number(buf.subarray(pos + 1, close).toString('latin1').replace('+', ''));
    const start = close + 3;
    return { value: bytesToRawString(buf.subarray(start, start + n)), next: start + n };
  }
  let end = pos;
  while (end < buf.length && ![0x20, 0x28, 0x29, 0x0d, 0x0a].includes(buf[end])) end++;
  const atom = buf.subarray(pos, end).toString('latin1');
  return { value: atom.toUpperCase() === 'NIL' ? null : atom, next: end };
}
