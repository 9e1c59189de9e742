// Line-at-a-time reader over a byte range of an open file, with one fixed buffer and positioned
// reads: memory stays bounded whatever the file or line length. A line longer than the buffer
// is consumed in pieces; only its first `headCap` bytes are kept (enough to recognise a From line
// or a header field). `next()` is synchronous and returns null when the buffer must be refilled
// with `await fill()`, so the per-line fast path costs no promise.

import type { FileHandle } from 'node:fs/promises';

/** One line. `head` is a view valid only until the next call to next()/fill()/seek(). */
export interface Line {
  /** File offset of the line's first byte. */
  start: number;
  /** File offset just past its terminator (`\n`), or the scan limit for a last unterminated line. */
  next: number;
  /** Length of the content, without `\n` and without a `\r` before it. */
  length: number;
  /** The line ended with `\r\n` (or, unterminated at the end of the range, with `\r`). */
  crlf: boolean;
  /** The line ended with `\n` (false only for the last line of the range). */
  terminated: boolean;
  /** The first min(length, headCap) content bytes. */
  head: Buffer;
}

const LFLF = Buffer.from('\n\n');
const LFCRLF = Buffer.from('\n\r\n');

/** First index of `pat` wholly inside buf[from, end), or Infinity. */
function find(buf: Buffer, pat: Buffer, from: number, end: number): number {
  const i = buf.indexOf(pat, from);
  return i < 0 || i + pat.length > end ? Infinity : i;
}

/** Reads lines of `[start, limit)` from a FileHandle. */
export class LineReader {
  private readonly buf: Buffer;
  private readonly headBuf: Buffer;
  private bufPos: number; // file offset of buf[0]
  private bufLen = 0;
  private off = 0; // next unread index in buf
  private lineStart = -1; // file offset of the line being assembled, -1 when none
  private headLen = 0;
  private lastByte = -1;
  // Cached positions of the next "\n\n" / "\n\r\n" in the buffer (Infinity: none; -1: unknown).
  private lflf = -1;
  private lfcrlf = -1;

  constructor(
    private readonly fh: FileHandle,
    start: number,
    /** Exclusive end of the range; lowered if the file turns out shorter. */
    public limit: number,
    bufferSize: number,
    private readonly headCap: number,
  ) {
    if (!(bufferSize >= 1)) throw new RangeError(`bufferSize must be >= 1, got ${bufferSize}`);
    this.buf = Buffer.allocUnsafe(bufferSize);
    this.headBuf = Buffer.allocUnsafe(headCap);
    this.bufPos = start;
  }

  /** File offset of the next unread byte. */
  get position(): number {
    return this.bufPos + this.off;
  }

  /** Continues reading at `pos` (must be a line start), dropping buffered bytes. */
  seek(pos: number): void {
    this.lflf = this.lfcrlf = -1;
    this.bufPos = pos;
    this.bufLen = 0;
    this.off = 0;
    this.lineStart = -1;
  }

  /** The next line, 'eof' at the end of the range, or null when fill() must be awaited first. */
  next(): Line | 'eof' | null {
    if (this.lineStart < 0) {
      if (this.position >= this.limit) return 'eof';
      this.lineStart = this.position;
      this.headLen = 0;
      this.lastByte = -1;
    }
    const { buf, off } = this;
    const avail = this.bufLen;
    let nl = off < avail ? buf.indexOf(10, off) : -1;
    if (nl >= avail) nl = -1;
    const stop = nl < 0 ? avail : nl;
    if (stop > off) {
      const take = Math.min(stop - off, this.headCap - this.headLen);
      if (take > 0) {
        buf.copy(this.headBuf, this.headLen, off, off + take);
        this.headLen += take;
      }
      this.lastByte = buf[stop - 1];
    }
    this.off = nl < 0 ? avail : nl + 1;
    if (nl < 0 && this.bufPos + avail < this.limit) return null;
    const start = this.lineStart;
    this.lineStart = -1;
    const next = this.position;
    const terminated = nl >= 0;
    const rawLen = next - start - (terminated ? 1 : 0);
    const crlf = rawLen > 0 && this.lastByte === 13; // a lone CR at EOF: a CRLF cut short
    const length = rawLen - (crlf ? 1 : 0);
    const headLen = Math.min(this.headLen, length);
    return { start, next, length, crlf, terminated, head: this.headBuf.subarray(0, headLen) };
  }

  /**
   * Fast path for body text: skips whole non-blank lines up to the start of the next blank line
   * (or up to the last, partial line in the buffer, which next() then assembles). Call it only
   * at a line start whose previous line was not blank; a line that is itself blank starts with
   * `\n` or `\r\n`, and later blank lines are found as `\n\n` / `\n\r\n` with indexOf.
   */
  skipNonBlankLines(): void {
    if (this.lineStart >= 0) return;
    const { buf, off } = this;
    const end = this.bufLen;
    if (off >= end || buf[off] === 10 || buf[off] === 13) return;
    if (this.lflf < off) this.lflf = find(buf, LFLF, off, end);
    if (this.lfcrlf < off) this.lfcrlf = find(buf, LFCRLF, off, end);
    const hit = Math.min(this.lflf, this.lfcrlf);
    if (hit < end) {
      this.off = hit + 1;
      return;
    }
    const last = buf.lastIndexOf(10, end - 1);
    if (last >= off) this.off = last + 1;
  }

  /** Reads the next chunk; lowers `limit` if the file ended early (it was truncated meanwhile). */
  async fill(): Promise<void> {
    this.bufPos += this.bufLen;
    this.bufLen = 0;
    this.off = 0;
    this.lflf = this.lfcrlf = -1;
    const want = Math.min(this.buf.length, this.limit - this.bufPos);
    if (want <= 0) return;
    const { bytesRead } = await this.fh.read(this.buf, 0, want, this.bufPos);
    this.bufLen = bytesRead;
    if (bytesRead === 0) this.limit = this.bufPos;
  }
}
