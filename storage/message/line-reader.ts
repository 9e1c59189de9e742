// Splits a raw byte stream into lines of its CRLF-normalized form, tracking normalized offsets,
// without ever holding more than `keepLimit` bytes of one line: a 200 MB body without a single
// line end costs no more memory than a short line. A line ends at LF; a CR right before that LF
// belongs to the line end; any other CR is content (the lone-CR rule of crlf.ts).

const LF = 0x0a;
const CR = 0x0d;

/** One line of the normalized message. */
export interface Line {
  /** Normalized offset of the line's first byte. */
  start: number;
  /** Up to keepLimit bytes of the line's content, without its line end. */
  prefix: Buffer;
  /** Full content length in the normalized form (without the CRLF). */
  length: number;
  /** True when the line ends with CRLF (false only for a last line at end of input). */
  terminated: boolean;
}

/** Receives lines in order; the prefix buffer is only valid during the call. */
export type LineSink = (line: Line) => void;

/** Incremental line splitter: push raw chunks, then end(). */
export class LineReader {
  private offset = 0;
  private lineCount = 0;
  private partial: Buffer[] = [];
  private partialKept = 0;
  private partialLength = 0;
  private partialEndsInCr = false;

  constructor(
    private readonly sink: LineSink,
    private readonly keepLimit: number,
  ) {}

  /** Normalized bytes seen so far (complete lines plus any partial line). */
  get size(): number {
    return this.offset + this.partialLength;
  }

  /** Number of CRLF-terminated lines seen so far. */
  get lines(): number {
    return this.lineCount;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos);
      if (lf === -1) {
        this.addPartial(chunk.subarray(pos));
        return;
      }
      if (this.partialLength === 0) {
        let end = lf;
        if (end > pos && chunk[end - 1] === CR) end--;
        const len = end - pos;
        this.emit(chunk.subarray(pos, pos + Math.min(len, this.keepLimit)), len, true);
      } else {
        this.addPartial(chunk.subarray(pos, lf));
        this.finishPartial(true);
      }
      pos = lf + 1;
    }
  }

  end(): void {
    if (this.partialLength > 0) this.finishPartial(false);
  }

  private addPartial(piece: Buffer): void {
    if (piece.length === 0) return;
    const room = this.keepLimit - this.partialKept;
    if (room > 0) {
      const kept = piece.length <= room ? Buffer.from(piece) : Buffer.from(piece.subarray(0, room));
      this.partial.push(kept);
      this.partialKept += kept.length;
    }
    this.partialLength += piece.length;
    this.partialEndsInCr = piece[piece.length - 1] === CR;
  }

  private finishPartial(terminated: boolean): void {
    let length = this.partialLength;
    let prefix = this.partial.length === 1 ? this.partial[0] : Buffer.concat(this.partial);
    if (terminated && this.partialEndsInCr) {
      length--;
      if (prefix.length > length) prefix = prefix.subarray(0, length);
    }
    this.partial = [];
    this.partialKept = 0;
    this.partialLength = 0;
    this.partialEndsInCr = false;
    this.emit(prefix, length, terminated);
  }

  private emit(prefix: Buffer, length: number, terminated: boolean): void {
    const start = this.offset;
    this.offset += length + (terminated ? 2 : 0);
    if (terminated) this.lineCount++;
    this.sink({ start, prefix, length, terminated });
  }
}
