// Streaming decoders of Content-Transfer-Encoding for BINARY[] (RFC 3516): base64 and
// quoted-printable (RFC 2045 §6.7, §6.8) as Transforms, so a large part is decoded chunk by
// chunk and never held whole in memory. Invalid input is passed through as leniently as mail
// clients read it, never an error: junk characters in base64 are skipped, a `=` in
// quoted-printable that does not start a hex pair or a soft line break is kept as is.

import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

const B64 = new Uint8Array(256).fill(0);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64[c.charCodeAt(0)] = 1;

/** Decodes base64, ignoring line breaks and other characters outside the alphabet; stops at padding. */
export class Base64Decoder extends Transform {
  /** Alphabet characters not yet decoded (fewer than 4). */
  private pending = Buffer.alloc(0);
  private ended = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.ended) return done();
    const clean = Buffer.allocUnsafe(this.pending.length + chunk.length);
    this.pending.copy(clean);
    let n = this.pending.length;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 0x3d) {
        // "=": padding ends the data
        this.ended = true;
        break;
      }
      if (B64[c]) clean[n++] = c;
    }
    const whole = this.ended ? n : n - (n % 4);
    this.pending = Buffer.from(clean.subarray(whole, n));
    if (whole > 0) this.push(Buffer.from(clean.toString('latin1', 0, whole), 'base64'));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length > 1) this.push(Buffer.from(this.pending.toString('latin1'), 'base64'));
    this.pending = Buffer.alloc(0);
    done();
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Decodes one quoted-printable line (without its line end) into `out`; returns true on a soft break. */
function decodeQpLine(line: Buffer, out: number[]): boolean {
  let end = line.length;
  while (end > 0 && (line[end - 1] === 0x20 || line[end - 1] === 0x09)) end--; // transport padding
  const soft = end > 0 && line[end - 1] === 0x3d;
  if (soft) end--;
  for (let i = 0; i < end; i++) {
    const c = line[i];
    if (c === 0x3d && i + 2 < end) {
      const h = hexValue(line[i + 1]);
      const l = hexValue(line[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out.push(c);
  }
  return soft;
}

/** Decodes quoted-printable line by line; hard line breaks become CRLF. */
export class QuotedPrintableDecoder extends Transform {
  private partial: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    const lastLf = data.lastIndexOf(0x0a);
    if (lastLf === -1) {
      this.partial = Buffer.from(data);
      return done();
    }
    const out: number[] = [];
    let start = 0;
    while (start <= lastLf) {
      const lf = data.indexOf(0x0a, start);
      const lineEnd = lf > start && data[lf - 1] === 0x0d ? lf - 1 : lf;
      if (!decodeQpLine(data.subarray(start, lineEnd), out)) out.push(0x0d, 0x0a);
      start = lf + 1;
    }
    this.partial = Buffer.from(data.subarray(lastLf + 1));
    this.push(Buffer.from(out));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.partial.length > 0) {
      const out: number[] = [];
      decodeQpLine(this.partial, out);
      this.push(Buffer.from(out));
    }
    done();
  }
}

/** A decoder for a transfer encoding, null when no decoding is needed, undefined when unknown. */
export function decoderFor(encoding: string): Transform | null | undefined {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return new Base64Decoder();
    case 'quoted-printable':
      return new QuotedPrintableDecoder();
    case '7bit':
    case '8bit':
    case 'binary':
    case '':
      return null;
    default:
      return undefined;
  }
}
