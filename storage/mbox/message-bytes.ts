// Reading a scanned message's bytes back: as stored (a delivery agent's `>From ` quoting kept,
// as Dovecot and mutt serve them), or through an mboxrd unescaper for files known to be mboxrd.

import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { FileHandle } from 'node:fs/promises';
import type { MboxMessage } from './scanner.js';

/** Options of the range readers. */
export interface RangeReadOptions {
  /** Bytes per read (default 64 KiB). */
  chunkSize?: number;
  /** Undo mboxrd quoting (`>From ` → `From `, `>>From ` → `>From `) at line starts. */
  unescapeMboxrd?: boolean;
}

/** Yields the bytes of `[start, end)` of an open file with positioned reads (the handle stays open). */
export async function* readRange(fh: FileHandle, start: number, end: number, chunkSize = 65536): AsyncGenerator<Buffer, void, undefined> {
  if (!(start >= 0) || end < start) throw new RangeError(`bad byte range ${start}..${end}`);
  let pos = start;
  while (pos < end) {
    const buf = Buffer.allocUnsafe(Math.min(chunkSize, end - pos));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) throw new Error(`file ended at ${pos}, before the expected end ${end} (changed under us?)`);
    pos += bytesRead;
    yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }
}

/** A readable stream of `[start, end)`, optionally mboxrd-unescaped. */
export function rangeStream(fh: FileHandle, start: number, end: number, options: RangeReadOptions = {}): Readable {
  if (!(start >= 0) || end < start) throw new RangeError(`bad byte range ${start}..${end}`);
  const raw = Readable.from(readRange(fh, start, end, options.chunkSize), { objectMode: false });
  return options.unescapeMboxrd ? raw.pipe(new MboxrdUnescape()) : raw;
}

/** The message body bytes as stored (or unescaped), without the separating blank line. */
export function messageBodyStream(fh: FileHandle, msg: MboxMessage, options: RangeReadOptions = {}): Readable {
  return rangeStream(fh, msg.bodyStart, msg.bodyEnd, options);
}

/** The whole message as stored: headers, blank line and body (no From line, no separator). */
export function messageStream(fh: FileHandle, msg: MboxMessage, options: RangeReadOptions = {}): Readable {
  return rangeStream(fh, msg.headerStart, msg.bodyEnd, options);
}

const FROM_ = Buffer.from('From ');

/**
 * mboxrd unescaper: at the start of each line, `>` followed by `>*From ` loses one `>`.
 * Works across chunk boundaries with at most 6 bytes held back (the first `>` and a partial
 * `From `), so memory stays bounded even on a line of a million `>`.
 */
export class MboxrdUnescape extends Transform {
  // 'start': at line start; 'gt': held the first '>', now passing further '>'; 'match': matching
  // "From " (matched bytes held); 'line': inside a line, pass through until '\n'.
  private state: 'start' | 'gt' | 'match' | 'line' = 'start';
  private matched = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out: Buffer[] = [];
    let i = 0;
    let passFrom = -1; // start of a pass-through run in chunk
    const flushRun = (to: number) => {
      if (passFrom >= 0 && to > passFrom) out.push(chunk.subarray(passFrom, to));
      passFrom = -1;
    };
    while (i < chunk.length) {
      const b = chunk[i];
      switch (this.state) {
        case 'line': {
          if (passFrom < 0) passFrom = i;
          const nl = chunk.indexOf(0x0a, i);
          if (nl < 0) {
            i = chunk.length;
          } else {
            i = nl + 1;
            this.state = 'start';
          }
          break;
        }
        case 'start':
          if (b === 0x3e) {
            flushRun(i);
            this.state = 'gt'; // hold this '>'
            i++;
          } else {
            this.state = 'line';
          }
          break;
        case 'gt':
          if (b === 0x3e) {
            if (passFrom < 0) passFrom = i; // further '>' pass through
            i++;
          } else {
            flushRun(i);
            this.state = 'match';
            this.matched = 0;
          }
          break;
        case 'match':
          if (b === FROM_[this.matched]) {
            this.matched++;
            i++;
            if (this.matched === FROM_.length) {
              out.push(FROM_); // the held '>' is dropped
              this.state = 'line';
            }
          } else {
            out.push(Buffer.from('>'), FROM_.subarray(0, this.matched));
            this.state = 'line';
          }
          break;
      }
    }
    flushRun(chunk.length);
    done(null, out.length === 1 ? out[0] : Buffer.concat(out));
  }

  override _flush(done: TransformCallback): void {
    if (this.state === 'gt') this.push(Buffer.from('>'));
    else if (this.state === 'match') this.push(Buffer.concat([Buffer.from('>'), FROM_.subarray(0, this.matched)]));
    done();
  }
}

/** mboxrd-unescapes a whole buffer (for small data; streams use MboxrdUnescape). */
export function unescapeMboxrd(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let lineStart = 0;
  let copied = 0;
  while (lineStart < data.length) {
    if (data[lineStart] === 0x3e) {
      let j = lineStart;
      while (j < data.length && data[j] === 0x3e) j++;
      if (data.subarray(j, j + FROM_.length).equals(FROM_)) {
        out.push(data.subarray(copied, lineStart));
        copied = lineStart + 1; // drop one '>'
      }
    }
    const nl = data.indexOf(0x0a, lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  out.push(data.subarray(copied));
  return Buffer.concat(out);
}
