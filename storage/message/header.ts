// Header block access: split a header into fields with byte offsets (folding kept), select or
// exclude fields by name with their original bytes, and decode values for display or search.

import libmime from 'libmime';
import type { HeaderField } from './types.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as a string: UTF-8 when valid, otherwise one char per byte (Latin-1). */
export function bytesToRawString(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }
}

/**
 * Splits a header block into fields. Parsing stops at the first empty line (the blank line that
 * ends the header) or at the end of the bytes. A line starting with space or tab continues the
 * previous field; a line without a colon that is no continuation is skipped (broken header).
 * Never throws.
 */
export function parseHeader(bytes: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  let pos = 0;
  let current: { name: string; valueStart: number; start: number } | null = null;
  let currentEnd = 0;
  let currentValueEnd = 0;
  const finish = (): void => {
    if (current) {
      fields.push({
        name: current.name,
        value: bytesToRawString(bytes.subarray(current.valueStart, currentValueEnd)),
        start: current.start,
        end: currentEnd,
      });
      current = null;
    }
  };
  while (pos < bytes.length) {
    const lf = bytes.indexOf(LF, pos);
    const lineEnd = lf === -1 ? bytes.length : lf + 1;
    let contentEnd = lf === -1 ? bytes.length : lf;
    if (lf !== -1 && contentEnd > pos && bytes[contentEnd - 1] === CR) contentEnd--;
    if (contentEnd === pos && lf !== -1) break; // the blank line ending the header
    const first = bytes[pos];
    if ((first === SP || first === TAB) && current) {
      currentEnd = lineEnd;
      currentValueEnd = contentEnd;
    } else {
      finish();
      const colon = bytes.indexOf(COLON, pos);
      if (colon !== -1 && colon < contentEnd) {
        const name = bytes.subarray(pos, colon).toString('latin1').trim();
        if (name.length > 0 && !/[\s]/.test(name)) {
          current = { name, valueStart: colon + 1, start: pos };
          currentEnd = lineEnd;
          currentValueEnd = contentEnd;
        }
      }
    }
    pos = lineEnd;
  }
  finish();
  return fields;
}

/** Removes folding (a line end followed by whitespace) from a raw value and trims it. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').trim();
}

/**
 * A field value as Dovecot presents it raw (ENVELOPE strings, Content-ID and the like): the
 * whitespace after the colon dropped, line breaks of folds removed, everything else kept.
 */
export function rawFieldValue(value: string): string {
  return value.replace(/^[ \t]+/, '').replace(/\r?\n/g, '');
}

/** Removes RFC 5322 comments (outside quoted strings) from a structured value. */
export function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ' ';
    } else if (depth === 0) {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}

/** The first field with this name (case-insensitive), or undefined. */
export function findField(fields: readonly HeaderField[], name: string): HeaderField | undefined {
  const lower = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower);
}

/**
 * The original bytes of the fields whose names are in `names` (case-insensitive), in header
 * order, each with its own line ends (BODY[HEADER.FIELDS]). The blank line ending a header is
 * not included: the protocol layer appends it.
 */
export function selectHeaderFields(header: Buffer, fields: readonly HeaderField[], names: readonly string[]): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  return concatFields(header, fields.filter((f) => wanted.has(f.name.toLowerCase())));
}

/** The original bytes of all fields except those named in `names` (BODY[HEADER.FIELDS.NOT]). */
export function excludeHeaderFields(header: Buffer, fields: readonly HeaderField[], names: readonly string[]): Buffer {
  const unwanted = new Set(names.map((n) => n.toLowerCase()));
  return concatFields(header, fields.filter((f) => !unwanted.has(f.name.toLowerCase())));
}

function concatFields(header: Buffer, fields: readonly HeaderField[]): Buffer {
  return Buffer.concat(fields.map((f) => header.subarray(f.start, f.end)));
}

/** Decodes RFC 2047 encoded-words (any charset libmime knows) in an unfolded value; never throws. */
export function decodeHeaderValue(value: string): string {
  const unfolded = unfold(value);
  try {
    return libmime.decodeWords(unfolded);
  } catch {
    return unfolded;
  }
}
