// POP3 multi-line responses (RFC 1939 §3): byte stuffing, the terminating ".", and TOP's line limit,
// as streaming transforms over a message that storage already delivers with CRLF line ends.
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Byte-stuffs a CRLF stream: a line starting with "." gets another "."; at the end, adds a CRLF
 * if the data did not end with one, then the terminating ".\r\n". State carries across chunks.
 */
export class DotStuffer extends Transform {
  private atLineStart = true;
  private lastByte = -1;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let out: Buffer[] | null = null;
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.atLineStart && b === 0x2e) {
        out ??= [];
        out.push(chunk.subarray(from, i), DOT);
        from = i;
      }
      this.atLineStart = b === 10;
    }
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1];
    if (out === null) cb(null, chunk);
    else {
      out.push(chunk.subarray(from));
      cb(null, Buffer.concat(out));
    }
  }

  override _flush(cb: TransformCallback): void {
    cb(null, this.lastByte === -1 || this.lastByte === 10 ? TERMINATOR : CRLF_TERMINATOR);
  }
}

const DOT = Buffer.from('.');
const TERMINATOR = Buffer.from('.\r\n');
const CRLF_TERMINATOR = Buffer.from('\r\n.\r\n');

/**
 * Passes the header and the first `lines` lines of the body (RFC 1939 TOP), then ends its readable
 * side (the caller may then stop the source). The header ends at the first empty line; a message
 * without one is all header.
 */
export class TopLimiter extends Transform {
  private inHeader = true;
  private lineLength = 0;
  private bodyLinesLeft: number;
  private done = false;

  constructor(lines: number) {
    super();
    this.bodyLinesLeft = lines;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.done) return cb();
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== 10) {
        if (b !== 13) this.lineLength++;
        continue;
      }
      if (this.inHeader) {
        if (this.lineLength === 0) this.inHeader = false;
      } else {
        this.bodyLinesLeft--;
      }
      this.lineLength = 0;
      if (!this.inHeader && this.bodyLinesLeft === 0) {
        this.finish(chunk.subarray(0, i + 1));
        return cb();
      }
    }
    cb(null, chunk);
  }

  /** Emit the last bytes and end the readable side at once; later input is dropped. */
  private finish(last: Buffer): void {
    this.done = true;
    this.push(last);
    this.push(null);
  }
}
