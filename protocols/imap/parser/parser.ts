// Incremental IMAP command parser: bytes in (`feed`), events out (`next`); no sockets.
//
// Design. The parser has two layers. The framer (this file) cuts the byte stream into commands:
// it reads lines, and when a line ends with a literal announcement (`{n}`, `{n+}`, `~{n}`) it reads
// n bytes before continuing with the next line of the same command. The grammar (commands.ts)
// then parses a complete command in one go from its text and its buffered literals. Everything a
// command buffers (text plus literals) is bounded by `maxLineBytes`.
//
// APPEND is the exception: its message literals may be as large as `maxLiteralBytes` (50 MB) and
// are never buffered. When a line of an APPEND ends with a literal announcement, the head of the
// message (mailbox, flags, date) is parsed at once (append.ts); if the literal is a message, the
// parser emits `append-message` (then `continuation-needed` if it is synchronizing), then the bytes
// as a sequence of `literal-data` chunks (views of the fed buffers, as they arrive), then
// `literal-end`. MULTIAPPEND repeats this per message. When the final line ends, the parser emits
// the APPEND `command` carrying the metadata of every message: the session commits then. An
// `error` carrying the APPEND's tag in between means the whole APPEND is void.
//
// Literal limits and resynchronisation:
//   - a synchronizing literal that is too large or belongs to a bad command → non-fatal `error`
//     (code TOOBIG when too large): the session answers with a tagged BAD/NO instead of `+`, the
//     client does not send the bytes, and the parser expects a new command;
//   - a non-synchronizing literal (LITERAL+ `{n+}`) that must be refused: its bytes are coming
//     anyway, so the parser discards them and the rest of the command, and the error is non-fatal,
//     as long as n <= maxLiteralBytes; larger than that, the error is fatal (answer `* BYE` and
//     close, as Dovecot does) rather than reading an unbounded amount of garbage;
//   - without LITERAL+ (`literalPlus: false`) the server offers LITERAL- (RFC 7888): non-sync
//     literals over 4096 bytes are refused as above;
//   - an overlong line → non-fatal error at once; the rest of the line is skipped (again
//     discarding a non-sync literal it may announce).
// After a fatal error the parser is closed: `next()` returns `need-more` forever.
//
// IDLE and AUTHENTICATE read raw lines from the client: call `expectLine()` and the next line is
// returned as a `line` event (see `isIdleDone`). If that line is too long the error has no tag
// (the session answers the pending IDLE/AUTHENTICATE) and the parser goes back to commands.

import { parseAppendHead } from './append.js';
import type { AppendHead } from './append.js';
import { parseCommand, readTag } from './commands.js';
import { Cursor, ImapSyntaxError } from './cursor.js';
import type { BufferedLiteral, CursorOptions } from './cursor.js';
import type { AppendMessage, ImapCommand, ParserErrorEvent, ParserEvent } from './types.js';

/** Limits and negotiated features of one parser; limits come from the config (`limits.*`). */
export interface ImapParserOptions {
  /** Longest line, and most bytes one command may buffer (text plus non-APPEND literals). */
  maxLineBytes: number;
  /** Largest APPEND message literal. */
  maxLiteralBytes: number;
  /** Deepest parenthesis (and NOT/OR) nesting. */
  maxNesting: number;
  /** LITERAL+ when true; LITERAL- (non-sync literals up to 4096 bytes) when false. */
  literalPlus: boolean;
  /** UTF-8 in quoted strings (after ENABLE UTF8=ACCEPT); can be switched later with `setUtf8`. */
  utf8?: boolean;
}

/** Largest non-synchronizing literal under LITERAL- (RFC 7888 §5). */
export const LITERAL_MINUS_MAX = 4096;

const ANNOUNCEMENT = /(~?)\{(\d{1,20})(\+?)\}$/;

type State =
  | { s: 'line' }
  | { s: 'literal'; size: number; received: number; parts?: Buffer[]; sync: boolean }
  | { s: 'skip-line'; tail: Buffer }
  | { s: 'discard'; remaining: number }
  | { s: 'closed' };

interface Announcement {
  size: number;
  sync: boolean;
  binary: boolean;
}

interface AppendState {
  tag: string;
  mailbox: string;
  messages: AppendMessage[];
}

/** True if a raw line read during IDLE is the `DONE` that ends it (case-insensitive). */
export function isIdleDone(line: Buffer): boolean {
  return line.toString('latin1').toUpperCase() === 'DONE';
}

/** The incremental parser of one IMAP connection; see the design comment above. */
export class ImapParser {
  private buf: Buffer = Buffer.alloc(0);
  private backing: Buffer | undefined;
  private scanned = 0;
  private state: State = { s: 'line' };
  private readonly queue: ParserEvent[] = [];
  private textParts: Buffer[] = [];
  private textLength = 0;
  private literals: BufferedLiteral[] = [];
  private buffered = 0;
  private firstLine: Buffer | undefined;
  private append: AppendState | undefined;
  private rawLine = false;
  private awaitingSync = false;
  private utf8: boolean;

  constructor(private readonly options: ImapParserOptions) {
    this.utf8 = options.utf8 ?? false;
  }

  /**
   * Adds bytes received from the client. With nothing pending the chunk itself is used (no copy,
   * so streamed APPEND data are views of it). Otherwise the bytes go into an owned buffer that
   * grows by doubling, so a line trickling in byte by byte costs linear time, not quadratic.
   * Only bytes after the pending ones are ever written, so views handed out earlier stay valid.
   */
  feed(chunk: Buffer): void {
    if (this.state.s === 'closed' || chunk.length === 0) return;
    if (this.buf.length === 0) {
      this.buf = chunk;
      this.backing = undefined;
      return;
    }
    const backing = this.backing;
    if (backing && this.buf.buffer === backing.buffer) {
      const start = this.buf.byteOffset - backing.byteOffset;
      const end = start + this.buf.length;
      if (end + chunk.length <= backing.length) {
        chunk.copy(backing, end);
        this.buf = backing.subarray(start, end + chunk.length);
        return;
      }
    }
    const grown = Buffer.allocUnsafe(Math.max(4096, 2 * (this.buf.length + chunk.length)));
    this.buf.copy(grown, 0);
    chunk.copy(grown, this.buf.length);
    this.backing = grown;
    this.buf = grown.subarray(0, this.buf.length + chunk.length);
  }

  /** Switches UTF-8 acceptance in quoted strings (ENABLE UTF8=ACCEPT). */
  setUtf8(enabled: boolean): void {
    this.utf8 = enabled;
  }

  /** Makes the next line a raw `line` event (IDLE's DONE, AUTHENTICATE responses). */
  expectLine(): void {
    this.rawLine = true;
  }

  /**
   * Refuses the synchronizing literal just announced by `continuation-needed` (the session sends a
   * tagged NO/BAD instead of `+`): the command is dropped and the next bytes start a new command.
   */
  rejectLiteral(): void {
    if (!this.awaitingSync) throw new Error('rejectLiteral() is only valid right after continuation-needed');
    this.awaitingSync = false;
    this.resetCommand();
    this.state = { s: 'line' };
  }

  /** True once a fatal error was returned. */
  get closed(): boolean {
    return this.state.s === 'closed';
  }

  /** The next event; `need-more` when the buffered bytes are used up. */
  next(): ParserEvent {
    for (;;) {
      const queued = this.queue.shift();
      if (queued) return queued;
      const event = this.step();
      if (event) return event;
    }
  }

  /** Advances by one unit of work; returns an event, or undefined to loop (after queueing some). */
  private step(): ParserEvent | undefined {
    const st = this.state;
    switch (st.s) {
      case 'closed':
        return { kind: 'need-more' };
      case 'literal':
        return this.stepLiteral(st);
      case 'discard': {
        const take = Math.min(st.remaining, this.buf.length);
        if (take === 0) return { kind: 'need-more' };
        this.consume(take);
        st.remaining -= take;
        if (st.remaining === 0) this.state = { s: 'skip-line', tail: Buffer.alloc(0) };
        return undefined;
      }
      case 'skip-line':
        return this.stepSkip(st);
      case 'line':
        return this.stepLine();
    }
  }

  private consume(n: number): Buffer {
    const taken = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    this.scanned = 0;
    return taken;
  }

  private stepLiteral(st: Extract<State, { s: 'literal' }>): ParserEvent | undefined {
    const take = Math.min(st.size - st.received, this.buf.length);
    if (take === 0 && st.received < st.size) return { kind: 'need-more' };
    if (take > 0) this.awaitingSync = false;
    const chunk = this.consume(take);
    st.received += take;
    const done = st.received === st.size;
    if (done) this.awaitingSync = false;
    if (st.parts) {
      st.parts.push(chunk);
      if (done) {
        const bytes = Buffer.concat(st.parts);
        this.state = { s: 'line' };
        if (bytes.includes(0)) {
          const tag = readTag(this.firstLine ?? Buffer.alloc(0));
          this.resetCommand();
          this.state = { s: 'skip-line', tail: Buffer.alloc(0) };
          return this.error(tag, 'NUL byte in a literal', false);
        }
        this.literals.push({ at: this.textLength, bytes });
      }
      return undefined;
    }
    if (done) {
      this.state = { s: 'line' };
      if (take === 0) return { kind: 'literal-end' };
      this.queue.push({ kind: 'literal-end' });
    }
    return { kind: 'literal-data', chunk };
  }

  private stepSkip(st: Extract<State, { s: 'skip-line' }>): ParserEvent | undefined {
    const lf = this.buf.indexOf(0x0a);
    if (lf < 0) {
      const keep = Buffer.concat([st.tail, this.buf]);
      st.tail = keep.subarray(Math.max(0, keep.length - 32));
      this.consume(this.buf.length);
      return { kind: 'need-more' };
    }
    const line = Buffer.concat([st.tail, this.consume(lf + 1).subarray(0, lf)]);
    const ann = announcement(stripCr(line));
    this.state = { s: 'line' };
    if (ann && !ann.sync) return this.refuseNonSync(ann, undefined, 'Discarding the literal of a rejected command', false);
    return undefined;
  }

  private stepLine(): ParserEvent | undefined {
    const lf = this.buf.indexOf(0x0a, this.scanned);
    if (lf < 0) {
      this.scanned = this.buf.length;
      if (this.textLength + this.buffered + this.buf.length > this.options.maxLineBytes) {
        const tag = this.rawLine ? undefined : readTag(this.firstLine ?? this.buf, true);
        this.rawLine = false;
        this.resetCommand();
        this.state = { s: 'skip-line', tail: this.consume(this.buf.length).subarray(-32) };
        return this.error(tag, `Line too long (limit ${this.options.maxLineBytes} bytes)`, false);
      }
      return { kind: 'need-more' };
    }
    const line = stripCr(this.consume(lf + 1).subarray(0, lf));
    if (this.textLength + this.buffered + line.length > this.options.maxLineBytes) {
      const tag = this.rawLine ? undefined : readTag(this.firstLine ?? line, true);
      this.rawLine = false;
      this.resetCommand();
      const err = this.error(tag, `Line too long (limit ${this.options.maxLineBytes} bytes)`, false);
      const ann = announcement(line);
      if (ann && !ann.sync) {
        // Same outcome as when the end of the line arrives later, in skip-line state.
        const follow = this.refuseNonSync(ann, undefined, 'Discarding the literal of a rejected command', false);
        if (follow) this.queue.push(follow);
      }
      return err;
    }
    if (this.rawLine) {
      this.rawLine = false;
      return { kind: 'line', line: Buffer.from(line) };
    }
    if (this.textLength === 0 && this.literals.length === 0 && !this.append && line.length === 0) return undefined;
    if (!this.firstLine) this.firstLine = line;
    this.textParts.push(line);
    this.textLength += line.length;
    const ann = announcement(line);
    if (!ann) return this.completeCommand();
    return this.startLiteral(ann);
  }

  private commandText(): Buffer {
    return this.textParts.length === 1 ? this.textParts[0] : Buffer.concat(this.textParts);
  }

  private cursorOptions(): CursorOptions {
    return { maxNesting: this.options.maxNesting, utf8: this.utf8 };
  }

  private completeCommand(): ParserEvent {
    const text = this.commandText();
    const literals = this.literals;
    const append = this.append;
    this.resetCommand();
    if (append) {
      if (text.length !== 0) return this.error(append.tag, `Unexpected text after the APPEND message${describe(text)}`, false);
      const command: ImapCommand = { tag: append.tag, name: 'APPEND', uid: false, args: { mailbox: append.mailbox, messages: append.messages } };
      return { kind: 'command', command };
    }
    const result = parseCommand(text, literals, this.cursorOptions());
    if (result.ok) return { kind: 'command', command: result.command };
    return this.error(result.tag, result.message, false);
  }

  private isAppend(): boolean {
    if (this.append) return true;
    const first = this.firstLine;
    if (!first) return false;
    return /^[^ ]+ APPEND /i.test(first.toString('latin1', 0, Math.min(first.length, 80)));
  }

  private startLiteral(ann: Announcement): ParserEvent | undefined {
    const tag = this.append?.tag ?? readTag(this.firstLine ?? Buffer.alloc(0));
    if (tag === undefined) return this.failCommand('Invalid or missing tag', ann.size, !ann.sync);
    if (!ann.sync && !this.options.literalPlus && ann.size > LITERAL_MINUS_MAX) {
      this.resetCommand();
      return this.refuseNonSync(ann, tag, `Non-synchronizing literals are limited to ${LITERAL_MINUS_MAX} bytes (LITERAL-)`, true);
    }
    if (this.isAppend()) {
      let head: AppendHead;
      try {
        head = parseAppendHead(new Cursor(this.commandText(), this.literals, this.cursorOptions()), !this.append);
      } catch (err) {
        if (!(err instanceof ImapSyntaxError)) throw err;
        return this.failCommand(err.message, ann.size, !ann.sync, tag);
      }
      if (head.kind === 'message') return this.startMessage(head, ann, tag);
    }
    if (ann.binary) return this.failCommand('A literal8 (~{n}) is only allowed for APPEND messages', ann.size, !ann.sync, tag);
    if (ann.size > this.options.maxLiteralBytes || this.textLength + this.buffered + ann.size > this.options.maxLineBytes) {
      return this.failCommand(`Literal too large (the command is limited to ${this.options.maxLineBytes} bytes)`, ann.size, !ann.sync, tag, 'TOOBIG');
    }
    this.buffered += ann.size;
    this.state = { s: 'literal', size: ann.size, received: 0, parts: [], sync: ann.sync };
    if (ann.sync) {
      this.awaitingSync = true;
      return { kind: 'continuation-needed', size: ann.size, tag };
    }
    return undefined;
  }

  private startMessage(head: Extract<AppendHead, { kind: 'message' }>, ann: Announcement, tag: string): ParserEvent | undefined {
    if (ann.size > this.options.maxLiteralBytes) {
      return this.failCommand(`Message too large (limit ${this.options.maxLiteralBytes} bytes)`, ann.size, !ann.sync, tag, 'TOOBIG');
    }
    if (!this.append) this.append = { tag, mailbox: head.mailbox ?? '', messages: [] };
    const message: AppendMessage = { flags: head.flags, size: ann.size, binary: ann.binary, ...(head.date ? { date: head.date } : {}) };
    const index = this.append.messages.length;
    this.append.messages.push(message);
    this.textParts = [];
    this.textLength = 0;
    this.literals = [];
    this.buffered = 0;
    this.state = { s: 'literal', size: ann.size, received: 0, sync: ann.sync };
    this.queue.push({ kind: 'append-message', tag, mailbox: this.append.mailbox, index, message, synchronizing: ann.sync });
    if (ann.sync) {
      this.awaitingSync = true;
      this.queue.push({ kind: 'continuation-needed', size: ann.size, tag });
    }
    return undefined;
  }

  /** Drops the current command because of an error found when a literal was announced. */
  private failCommand(message: string, size: number, nonSync: boolean, tag?: string, code?: ParserErrorEvent['code']): ParserEvent | undefined {
    const t = tag ?? this.append?.tag ?? readTag(this.firstLine ?? Buffer.alloc(0));
    this.resetCommand();
    this.state = { s: 'line' };
    if (nonSync) return this.refuseNonSync({ size, sync: false, binary: false }, t, message, true, code);
    return this.error(t, message, false, code);
  }

  /** A refused non-sync literal: discard its bytes and the rest of the command, or close if too large. */
  private refuseNonSync(ann: Announcement, tag: string | undefined, message: string, report: boolean, code?: ParserErrorEvent['code']): ParserEvent | undefined {
    if (ann.size > this.options.maxLiteralBytes) {
      this.state = { s: 'closed' };
      this.buf = Buffer.alloc(0);
      return this.error(tag, `${message}; non-synchronizing literal of ${ann.size} bytes cannot be skipped`, true, code ?? 'TOOBIG');
    }
    this.state = ann.size > 0 ? { s: 'discard', remaining: ann.size } : { s: 'skip-line', tail: Buffer.alloc(0) };
    return report ? this.error(tag, message, false, code) : undefined;
  }

  private error(tag: string | undefined, message: string, fatal: boolean, code?: ParserErrorEvent['code']): ParserErrorEvent {
    const event: ParserErrorEvent = { kind: 'error', message, fatal };
    if (tag !== undefined) event.tag = tag;
    if (code) event.code = code;
    return event;
  }

  private resetCommand(): void {
    this.textParts = [];
    this.textLength = 0;
    this.literals = [];
    this.buffered = 0;
    this.firstLine = undefined;
    this.append = undefined;
    this.awaitingSync = false;
  }
}

function stripCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
}

function announcement(line: Buffer): Announcement | undefined {
  if (line.length < 3 || line[line.length - 1] !== 0x7d) return undefined;
  const m = ANNOUNCEMENT.exec(line.toString('latin1', Math.max(0, line.length - 26)));
  if (!m) return undefined;
  const size = Number(m[2]);
  return { size: Number.isSafeInteger(size) ? size : Number.MAX_SAFE_INTEGER, sync: m[3] !== '+', binary: m[1] === '~' };
}

function describe(text: Buffer): string {
  return `: "${text.toString('latin1', 0, 20).replace(/[^\x20-\x7e]/g, '?')}"`;
}
