// POP3 command lines (RFC 1939 §3, RFC 2449 §4): a pure, incremental line splitter and command parser.

/** What the line splitter yields. */
export type LineEvent =
  | { kind: 'line'; line: Buffer }
  | { kind: 'need-more' }
  /** A line longer than the limit was received and discarded up to its end. */
  | { kind: 'too-long' };

/**
 * Splits the client's byte stream into lines (CRLF or bare LF). A line over `maxLineBytes` is
 * discarded up to its LF and reported once as `too-long`, so the session stays in sync.
 */
export class Pop3LineParser {
  private buf: Buffer = Buffer.alloc(0);
  private discarding = false;

  constructor(private readonly maxLineBytes: number) {}

  feed(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** Forget everything received so far (after STLS, pipelined cleartext must not be run). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.discarding = false;
  }

  /** Bytes received but not yet returned as lines. */
  get pending(): number {
    return this.buf.length;
  }

  next(): LineEvent {
    const lf = this.buf.indexOf(10);
    if (lf === -1) {
      if (this.buf.length > this.maxLineBytes) {
        this.buf = Buffer.alloc(0);
        if (!this.discarding) {
          this.discarding = true;
          return { kind: 'too-long' };
        }
      }
      return { kind: 'need-more' };
    }
    const end = lf > 0 && this.buf[lf - 1] === 13 ? lf - 1 : lf;
    const line = this.buf.subarray(0, end);
    this.buf = this.buf.subarray(lf + 1);
    if (this.discarding) {
      this.discarding = false;
      return this.next();
    }
    if (line.length > this.maxLineBytes) return { kind: 'too-long' };
    return { kind: 'line', line };
  }
}

/** A parsed command: the keyword in upper case and its space-separated arguments. */
export interface Pop3Command {
  readonly name: string;
  readonly args: string[];
  /** The raw text after the keyword (PASS passwords may contain spaces). */
  readonly rest: string;
}

/** Parse a command line; null for an empty or non-text line. */
export function parseCommand(line: Buffer): Pop3Command | null {
  const text = line.toString('utf8');
  if (text.length === 0 || /[\0\r\n]/.test(text)) return null;
  const space = text.indexOf(' ');
  const keyword = space === -1 ? text : text.slice(0, space);
  if (!/^[A-Za-z]{1,40}$/.test(keyword)) return null;
  const rest = space === -1 ? '' : text.slice(space + 1);
  const args = rest === '' ? [] : rest.split(' ').filter((a) => a !== '');
  return { name: keyword.toUpperCase(), args, rest };
}

/** Parse a message number argument: a positive decimal integer without sign or leading junk. */
export function parseMessageNumber(arg: string | undefined): number | null {
  if (arg === undefined || !/^[0-9]{1,9}$/.test(arg)) return null;
  const n = Number(arg);
  return n >= 1 ? n : null;
}
