// Grammar primitives of RFC 3501 §9 over one assembled command.
//
// The framer (parser.ts) hands over the command text with its CRLFs removed and each literal's
// announcement `{n}` left in place; the literal bytes are kept aside with the text offset where
// their announcement ended. Reading a literal means: parse the announcement, check that it ended
// a line there, then take those bytes.

/** A syntax error in a command; the message is shown to the client in a tagged BAD. */
export class ImapSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImapSyntaxError';
  }
}

const MAX_UINT32 = 4294967295;

/** ATOM-CHAR: CHAR except atom-specials ( ) { SP CTL % * " \ ]. */
export function isAtomChar(c: number): boolean {
  if (c <= 0x20 || c >= 0x7f) return false;
  return c !== 0x28 && c !== 0x29 && c !== 0x7b && c !== 0x25 && c !== 0x2a && c !== 0x22 && c !== 0x5c && c !== 0x5d;
}

/** ASTRING-CHAR: ATOM-CHAR or resp-specials `]`. */
export function isAstringChar(c: number): boolean {
  return isAtomChar(c) || c === 0x5d;
}

/** list-char: ATOM-CHAR, list-wildcards `%` `*`, resp-specials `]`. */
export function isListChar(c: number): boolean {
  return isAtomChar(c) || c === 0x25 || c === 0x2a || c === 0x5d;
}

/** A literal's bytes and the text offset just after its announcement `{n}` (where its line ended). */
export interface BufferedLiteral {
  at: number;
  bytes: Buffer;
}

/** Options of a cursor: nesting limit and whether 8-bit UTF-8 is accepted in quoted strings. */
export interface CursorOptions {
  maxNesting: number;
  utf8: boolean;
}

/** A position in one command; every reader either consumes its production or throws ImapSyntaxError. */
export class Cursor {
  pos = 0;
  private literalIndex = 0;
  private depth = 0;

  constructor(
    readonly text: Buffer,
    readonly literals: readonly BufferedLiteral[],
    public options: CursorOptions,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): number {
    const i = this.pos + offset;
    return i < this.text.length ? this.text[i] : -1;
  }

  fail(message: string): never {
    throw new ImapSyntaxError(message);
  }

  /** Consumes `c` if it is next. */
  tryChar(c: string): boolean {
    if (this.peek() === c.charCodeAt(0)) {
      this.pos++;
      return true;
    }
    return false;
  }

  expectChar(c: string, what?: string): void {
    if (!this.tryChar(c)) this.fail(`Expected ${what ?? `"${c}"`}${this.near()}`);
  }

  sp(): void {
    if (this.peek() !== 0x20) {
      this.fail(this.atEnd() ? 'Missing arguments' : `Expected a space${this.near()}`);
    }
    this.pos++;
  }

  trySp(): boolean {
    return this.tryChar(' ');
  }

  /** Fails unless the whole command has been consumed. */
  end(): void {
    if (!this.atEnd()) this.fail(`Unexpected extra arguments${this.near()}`);
  }

  /** Enters one level of parentheses; fails past the nesting limit. */
  enter(): void {
    this.expectChar('(');
    this.depth++;
    if (this.depth > this.options.maxNesting) this.fail(`Too deep nesting (limit ${this.options.maxNesting})`);
  }

  leave(): void {
    this.expectChar(')');
    this.depth--;
  }

  /** Closes a level whose ")" a loop has already consumed. */
  exitList(): void {
    this.depth--;
  }

  /** Counts nesting that has no parentheses (NOT, OR) against the same limit. */
  depthGuard(delta: 1 | -1): void {
    this.depth += delta;
    if (delta > 0 && this.depth > this.options.maxNesting) this.fail(`Too deep nesting (limit ${this.options.maxNesting})`);
  }

  /** A short excerpt of the text at the current position, for error messages. */
  near(): string {
    if (this.atEnd()) return ' at end of command';
    const excerpt = this.text.subarray(this.pos, this.pos + 20).toString('latin1').replace(/[^\x20-\x7e]/g, '?');
    return ` near "${excerpt}"`;
  }

  /** Reads a run of bytes accepted by `accept` (possibly empty). */
  private run(accept: (c: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && accept(this.text[this.pos])) this.pos++;
    return this.text.toString('latin1', start, this.pos);
  }

  /** atom = 1*ATOM-CHAR. */
  atom(what = 'an atom'): string {
    const s = this.run(isAtomChar);
    if (s === '') this.fail(`Expected ${what}${this.near()}`);
    return s;
  }

  /** An atom upper-cased, for protocol keywords. */
  keyword(what = 'a keyword'): string {
    return this.atom(what).toUpperCase();
  }

  /** Reads a run of `accept` bytes; fails if empty. */
  chars(accept: (c: number) => boolean, what: string): string {
    const s = this.run(accept);
    if (s === '') this.fail(`Expected ${what}${this.near()}`);
    return s;
  }

  /** number = 1*DIGIT, at most 2^32-1. */
  number(what = 'a number'): number {
    const s = this.run((c) => c >= 0x30 && c <= 0x39);
    if (s === '') this.fail(`Expected ${what}${this.near()}`);
    if (s.length > 10 || Number(s) > MAX_UINT32) this.fail(`Number too large: ${s}`);
    return Number(s);
  }

  /** nz-number: a number that is not 0. */
  nzNumber(what = 'a non-zero number'): number {
    const start = this.pos;
    const n = this.number(what);
    if (n === 0 || this.text[start] === 0x30) this.fail(`Invalid ${what}: ${this.text.toString('latin1', start, this.pos)}`);
    return n;
  }

  /** number64 (RFC 9051) for sizes in SEARCH LARGER/SMALLER: up to 2^63-1 but kept to safe integers. */
  bigNumber(what = 'a number'): number {
    const s = this.run((c) => c >= 0x30 && c <= 0x39);
    if (s === '') this.fail(`Expected ${what}${this.near()}`);
    const n = Number(s);
    if (!Number.isSafeInteger(n)) this.fail(`Number too large: ${s}`);
    return n;
  }

  /** quoted = DQUOTE *QUOTED-CHAR DQUOTE, returned as raw bytes. */
  quoted(): Buffer {
    this.expectChar('"', 'a quoted string');
    const out: number[] = [];
    for (;;) {
      const c = this.peek();
      if (c === -1) this.fail('Unterminated quoted string');
      this.pos++;
      if (c === 0x22) break;
      if (c === 0x5c) {
        const e = this.peek();
        if (e !== 0x22 && e !== 0x5c) this.fail('Invalid escape in quoted string (only \\\\ and \\" are allowed)');
        this.pos++;
        out.push(e);
        continue;
      }
      if (c === 0x00 || c === 0x0d || c === 0x0a) this.fail('Invalid character in quoted string');
      if (c >= 0x80 && !this.options.utf8) this.fail('8-bit character in quoted string (use a literal)');
      out.push(c);
    }
    const bytes = Buffer.from(out);
    if (this.options.utf8 && !isValidUtf8(bytes)) this.fail('Invalid UTF-8 in quoted string');
    return bytes;
  }

  /**
   * Runs `read` with valid UTF-8 accepted in quoted strings even before UTF8=ACCEPT: LOGIN uses it,
   * because real clients (imapflow) quote UTF-8 credentials and RFC 9051 allows it.
   */
  withUtf8<T>(read: () => T): T {
    const saved = this.options.utf8;
    this.options = { ...this.options, utf8: true };
    try {
      return read();
    } finally {
      this.options = { ...this.options, utf8: saved };
    }
  }

  /** True if a literal announcement `{` (or `~{` when `binary`) is next. */
  atLiteral(binary = false): boolean {
    return this.peek() === 0x7b || (binary && this.peek() === 0x7e && this.peek(1) === 0x7b);
  }

  /** Parses a literal announcement `{n}`, `{n+}` or `~{n}` without taking its bytes. */
  literalHeader(allowBinary = false): { size: number; binary: boolean; synchronizing: boolean } {
    let binary = false;
    if (this.peek() === 0x7e) {
      if (!allowBinary) this.fail('A literal8 (~{n}) is not allowed here');
      binary = true;
      this.pos++;
    }
    this.expectChar('{', 'a literal');
    const size = this.number('a literal size');
    const synchronizing = !this.tryChar('+');
    this.expectChar('}', '"}" closing the literal size');
    return { size, binary, synchronizing };
  }

  /** literal = "{" number ["+"] "}" CRLF *CHAR8 — the bytes come from the literal queue. */
  literal(allowBinary = false): Buffer {
    const { size } = this.literalHeader(allowBinary);
    const literal = this.literals[this.literalIndex];
    if (literal === undefined || literal.at !== this.pos) this.fail('A literal announcement must end its line');
    if (literal.bytes.length !== size) this.fail('Literal data missing');
    this.literalIndex++;
    return literal.bytes;
  }

  /** string = quoted / literal, as bytes. */
  stringBytes(): Buffer {
    if (this.peek() === 0x22) return this.quoted();
    if (this.atLiteral()) return this.literal();
    return this.fail(`Expected a string${this.near()}`);
  }

  string(): string {
    return this.stringBytes().toString('utf8');
  }

  /** astring = 1*ASTRING-CHAR / string. */
  astring(what = 'a string'): string {
    const c = this.peek();
    if (c === 0x22 || c === 0x7b) return this.string();
    return this.chars(isAstringChar, what);
  }

  /** nstring = string / NIL. */
  nstring(): string | null {
    if (this.peek() === 0x22 || this.atLiteral()) return this.string();
    const save = this.pos;
    const a = this.run(isAtomChar);
    if (a.toUpperCase() === 'NIL') return null;
    this.pos = save;
    return this.fail(`Expected a string or NIL${this.near()}`);
  }

  /** mailbox = "INBOX" / astring; INBOX in any case becomes "INBOX". */
  mailbox(): string {
    const name = this.astring('a mailbox name');
    return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
  }

  /** list-mailbox = 1*list-char / string. */
  listMailbox(): string {
    const c = this.peek();
    if (c === 0x22 || c === 0x7b) return this.string();
    return this.chars(isListChar, 'a mailbox pattern');
  }

  /** flag = "\" atom / atom (keywords); `\*` only when `allowStar`. */
  flag(allowStar = false): string {
    if (this.tryChar('\\')) {
      if (allowStar && this.tryChar('*')) return '\\*';
      return '\\' + this.atom('a flag name');
    }
    return this.atom('a flag');
  }

  /** flag-list = "(" [flag *(SP flag)] ")". */
  flagList(): string[] {
    this.enter();
    const flags: string[] = [];
    if (!this.tryChar(')')) {
      for (;;) {
        flags.push(this.flag());
        if (this.tryChar(')')) break;
        this.sp();
      }
    }
    this.depth--;
    return flags;
  }
}

/** True if `bytes` is well-formed UTF-8 (no overlongs, no surrogates). */
export function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
