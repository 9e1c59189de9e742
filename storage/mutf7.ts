// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3).
//
// Printable US-ASCII (0x20..0x7e) stands for itself, except "&" which is written "&-". Any other
// run of characters is written as "&" + base64 of its UTF-16BE code units with "," instead of "/"
// and no padding + "-". Decoding is strict: it refuses what an encoder must never produce (raw
// 8-bit or control bytes, bad base64, non-zero padding bits, odd byte counts, encoded printable
// ASCII, adjacent encoded runs, broken surrogate pairs), so every name has exactly one spelling.

import { MailError } from './errors.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_VALUE = new Map<string, number>([...B64].map((c, i) => [c, i]));

function isDirect(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

/** Encode a Unicode mailbox name in modified UTF-7. */
export function encodeMutf7(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const code = name.charCodeAt(i);
    if (code === 0x26) {
      out += '&-';
      i++;
    } else if (isDirect(code)) {
      out += name[i];
      i++;
    } else {
      const units: number[] = [];
      while (i < name.length && !isDirect(name.charCodeAt(i))) {
        units.push(name.charCodeAt(i));
        i++;
      }
      const bytes = Buffer.alloc(units.length * 2);
      units.forEach((u, k) => bytes.writeUInt16BE(u, k * 2));
      out += '&' + bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    }
  }
  return out;
}

function invalid(name: string, why: string): MailError {
  return new MailError('Invalid', `invalid modified UTF-7 in mailbox name ${JSON.stringify(name)}: ${why}`);
}

/** Decode a modified UTF-7 mailbox name; throws MailError Invalid on anything non-canonical. */
export function decodeMutf7(encoded: string): string {
  let out = '';
  let i = 0;
  let lastWasEncoded = false;
  while (i < encoded.length) {
    const c = encoded[i];
    const code = encoded.charCodeAt(i);
    if (!isDirect(code)) throw invalid(encoded, 'character outside printable US-ASCII');
    if (c !== '&') {
      out += c;
      i++;
      lastWasEncoded = false;
      continue;
    }
    const end = encoded.indexOf('-', i + 1);
    if (end < 0) throw invalid(encoded, 'unterminated "&" run');
    const run = encoded.slice(i + 1, end);
    i = end + 1;
    if (run === '') {
      out += '&';
      lastWasEncoded = false;
      continue;
    }
    if (lastWasEncoded) throw invalid(encoded, 'adjacent encoded runs');
    out += decodeRun(encoded, run);
    lastWasEncoded = true;
  }
  return out;
}

function decodeRun(whole: string, run: string): string {
  let bits = 0;
  let nbits = 0;
  const bytes: number[] = [];
  for (const ch of run) {
    const v = B64_VALUE.get(ch);
    if (v === undefined) throw invalid(whole, `bad base64 character ${JSON.stringify(ch)}`);
    bits = (bits << 6) | v;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      bytes.push((bits >> nbits) & 0xff);
      bits &= (1 << nbits) - 1;
    }
  }
  if (nbits >= 6 || bits !== 0) throw invalid(whole, 'bad base64 padding');
  if (bytes.length % 2 !== 0 || bytes.length === 0) throw invalid(whole, 'odd number of UTF-16 bytes');
  let s = '';
  for (let k = 0; k < bytes.length; k += 2) {
    const unit = (bytes[k] << 8) | bytes[k + 1];
    if (isDirect(unit)) throw invalid(whole, 'printable ASCII must not be encoded');
    if (unit < 0x20) throw invalid(whole, 'control character');
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = k + 3 < bytes.length ? (bytes[k + 2] << 8) | bytes[k + 3] : -1;
      if (next < 0xdc00 || next > 0xdfff) throw invalid(whole, 'unpaired surrogate');
      s += String.fromCharCode(unit, next);
      k += 2;
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) throw invalid(whole, 'unpaired surrogate');
    s += String.fromCharCode(unit);
  }
  return s;
}
