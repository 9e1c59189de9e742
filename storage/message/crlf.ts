// CRLF normalization. Every lone LF becomes CRLF, an existing CRLF stays, and a lone CR (one not
// followed by LF) stays as it is: rewriting it would change bytes readers see in the file for no
// benefit, and Dovecot leaves it alone too. A CR at the end of a chunk is held back until the
// next byte is known, so the output never depends on how the input was chunked.

import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

const LF = 0x0a;
const CR = 0x0d;

/** A Transform stream turning lone LFs into CRLF; output is identical for any chunking. */
export function createCrlfNormalizer(): Transform {
  let pendingCr = false;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (buf.length === 0) return done();
      const { out, endsInCr } = normalizeChunk(buf, pendingCr);
      pendingCr = endsInCr;
      done(null, out.length > 0 ? out : undefined);
    },
    flush(done: TransformCallback) {
      done(null, pendingCr ? Buffer.from([CR]) : undefined);
    },
  });
}

/**
 * Normalizes one chunk. `pendingCr` says the previous chunk ended in a CR that was held back;
 * a trailing CR of this chunk is held back in turn (reported by `endsInCr`).
 */
function normalizeChunk(buf: Buffer, pendingCr: boolean): { out: Buffer; endsInCr: boolean } {
  const parts: Buffer[] = [];
  if (pendingCr) parts.push(Buffer.from([CR]));
  let start = 0;
  let pos = buf.indexOf(LF);
  while (pos !== -1) {
    const precededByCr = pos > 0 ? buf[pos - 1] === CR : pendingCr;
    if (!precededByCr) {
      parts.push(buf.subarray(start, pos), CRLF);
      start = pos + 1;
    }
    pos = buf.indexOf(LF, pos + 1);
  }
  const endsInCr = buf[buf.length - 1] === CR;
  parts.push(buf.subarray(start, endsInCr ? buf.length - 1 : buf.length));
  return { out: parts.length === 1 ? parts[0] : Buffer.concat(parts), endsInCr };
}

const CRLF = Buffer.from('\r\n');

/** Size in octets of the CRLF-normalized form of `input` (a buffer or a stream of buffers). */
export async function crlfSize(input: Buffer | AsyncIterable<Buffer>): Promise<number> {
  if (Buffer.isBuffer(input)) return crlfSizeOfChunk(input, false);
  let size = 0;
  let prevCr = false;
  for await (const chunk of input) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (buf.length === 0) continue;
    size += crlfSizeOfChunk(buf, prevCr);
    prevCr = buf[buf.length - 1] === CR;
  }
  return size;
}

/** Normalized size of one chunk; `prevCr` tells whether the byte before it was a CR. */
function crlfSizeOfChunk(buf: Buffer, prevCr: boolean): number {
  let size = buf.length;
  let pos = buf.indexOf(LF);
  while (pos !== -1) {
    const precededByCr = pos > 0 ? buf[pos - 1] === CR : prevCr;
    if (!precededByCr) size++;
    pos = buf.indexOf(LF, pos + 1);
  }
  return size;
}
