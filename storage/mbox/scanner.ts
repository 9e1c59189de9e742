// Streaming mbox scanner: splits an mbox file into per-message byte ranges without reading the
// whole file (one fixed buffer, positioned reads; only per-message records are kept).
//
// Rules, shared by mboxo, mboxrd, mboxcl and mboxcl2 files (LF or CRLF line ends):
//  - A message starts at a valid `From ` line (see from-line.ts), and only at the start of the
//    scanned range or right after a blank line. Anything else is message text, so quoted
//    (`>From `) and unquoted body lines that are not preceded by a blank line, or that do not look
//    like a separator, never split a message.
//  - Headers run to the first blank line. The metadata headers (Content-Length, Status,
//    X-Status, X-Keywords, X-UID, X-IMAPbase, X-IMAP, X-UIDL) are recorded with parsed values
//    and the byte range of the whole field (for an in-place rewrite later); first occurrence wins.
//  - `Content-Length` is trusted only if the body it delimits is followed by EOF, or by a line
//    end and then EOF or a valid `From ` line (so mboxcl2 files whose bodies hold unquoted
//    `From ` lines split right). Then the body is skipped unread. Otherwise the body is scanned
//    line by line up to the next blank line + valid From line.
//  - The body ends before the blank line that separates it from the next message (and before a
//    final blank line at EOF), as Python's mailbox and mutt do.
//  - Bad input is reported, never thrown: bytes before the first valid From line become
//    `leadingGarbage` (still scanned for a later blank line + From line); a message cut short
//    (EOF inside its headers, or before its Content-Length is reached) is returned with what
//    there is and `truncated: true`; a 0-byte range is an empty mailbox.

import { open, type FileHandle } from 'node:fs/promises';
import { LineReader, type Line } from './line-reader.js';
import { parseFromLine, startsWithFrom } from './from-line.js';
import {
  METADATA_HEADERS,
  parseDecimal,
  parseImapBase,
  parseKeywords,
  parseStatusLetters,
  type ImapBase,
  type MetadataHeaderName,
} from './metadata-headers.js';

/** A recorded metadata header field: unfolded value and the byte range of the whole field. */
export interface MboxHeaderField {
  /** The field name as written. */
  name: string;
  /** The value with continuation lines joined, trimmed (bytes as latin1). */
  value: string;
  /** Offset of the field's first byte (its name). */
  start: number;
  /** Offset just past the line end of its last (continuation) line. */
  end: number;
  /** The value was longer than the scanner's cap: `value` is cut and no parsed value is given. */
  overlong: boolean;
}

/** Where one message lies in the file and what its separator and metadata headers say. */
export interface MboxMessage {
  /** Offset of the `F` of its `From ` line. */
  fromOffset: number;
  /** The From line without line end (UTF-8 decoded; exact bytes are [fromOffset, headerStart)). */
  fromLine: string;
  /** Envelope sender from the From line. */
  sender: string;
  /** Date text from the From line. */
  date: string;
  /** The From line date in ms since the epoch (UTC when it names no zone). */
  time: number;
  /** The From line date named a zone (numeric or UTC/GMT); otherwise `time` assumed UTC. */
  dateHasZone: boolean;
  /** Line ending of the From line. */
  lineEnding: 'lf' | 'crlf';
  /** Offset of the first header byte (just after the From line). */
  headerStart: number;
  /** Offset of the blank line ending the headers (exclusive end of the header bytes). */
  headerEnd: number;
  /** Offset of the first body byte (just after that blank line). */
  bodyStart: number;
  /** Exclusive end of the body, before the separating blank line. */
  bodyEnd: number;
  /** Offset where the next message's From line starts (or the end of the scanned range). */
  end: number;
  /** Content-Length value, or null when absent or invalid. */
  contentLength: number | null;
  /** Content-Length delimited the body (it was followed by EOF or a blank line + From line). */
  contentLengthTrusted: boolean;
  /** The message was cut short: EOF inside its headers, or before its Content-Length. */
  truncated: boolean;
  /** Metadata header fields found, by lower-case name (the first occurrence of each). */
  fields: Partial<Record<MetadataHeaderName, MboxHeaderField>>;
  /** Later, repeated occurrences of metadata headers (ignored for values; a rewrite must drop them). */
  extraFields: MboxHeaderField[];
  /** `Status` letters (e.g. "RO"), or null when absent. */
  status: string | null;
  /** `X-Status` letters (e.g. "AF"), or null when absent. */
  xStatus: string | null;
  /** `X-Keywords` names, or null when absent. */
  keywords: string[] | null;
  /** `X-UID` value, or null when absent or invalid. */
  uid: number | null;
  /** `X-IMAPbase` (Dovecot/UW first message), or null. */
  imapBase: ImapBase | null;
  /** UW-IMAP's `X-IMAP` header: present only in its "DON'T DELETE THIS MESSAGE" pseudo-message. */
  imap: ImapBase | null;
  /** `X-UIDL` value (POP3 unique id written by some servers), or null. */
  uidl: string | null;
}

/** Options of a scan. */
export interface MboxScanOptions {
  /** Offset to start at; a message is expected to start there (default 0). */
  start?: number;
  /** Exclusive end of the scan (default: the file size when the scan starts). */
  end?: number;
  /** Read buffer size in bytes (default 256 KiB); any value >= 1 gives the same results. */
  bufferSize?: number;
  /** Longest From line accepted as a separator (default 1000 bytes). */
  maxFromLineLength?: number;
  /** Longest metadata header value kept (default 64 KiB); longer ones are `overlong`. */
  maxHeaderValueLength?: number;
}

/** Bytes before the first valid From line of the scanned range. */
export interface ByteRange {
  start: number;
  end: number;
}

interface FieldBuilder {
  lname: MetadataHeaderName;
  repeated: boolean;
  field: MboxHeaderField;
  parts: string[];
  length: number;
}

type Draft = Omit<MboxMessage, 'status' | 'xStatus' | 'keywords' | 'uid' | 'imapBase' | 'imap' | 'uidl'>;

const INTERESTING = new Set<string>(METADATA_HEADERS);

/** Scans one open mbox file; iterate `messages()` once, then read `leadingGarbage`. */
export class MboxScanner {
  /** Bytes before the first message when the range does not start with a valid From line. */
  leadingGarbage: ByteRange | null = null;
  /** Exclusive end of what was scanned (known once iteration finished). */
  scannedEnd = 0;
  private readonly maxFrom: number;
  private readonly maxValue: number;

  constructor(
    private readonly fh: FileHandle,
    private readonly options: MboxScanOptions = {},
  ) {
    this.maxFrom = options.maxFromLineLength ?? 1000;
    this.maxValue = options.maxHeaderValueLength ?? 65536;
  }

  /** Yields the messages of the range in file order. */
  async *messages(): AsyncGenerator<MboxMessage, void, undefined> {
    this.leadingGarbage = null;
    const start = this.options.start ?? 0;
    const limit = this.options.end ?? (await this.fh.stat()).size;
    if (!(start >= 0) || start > limit) throw new RangeError(`scan start ${start} is outside the file (0..${limit})`);
    const reader = new LineReader(this.fh, start, limit, this.options.bufferSize ?? 262144, Math.max(this.maxFrom, 4096));
    let state: 'expect' | 'garbage' | 'headers' | 'body' = 'expect';
    let cur: Draft | null = null;
    let field: FieldBuilder | null = null;
    let prevBlank = false;
    let prevBlankStart = 0;
    let garbageStart = start;

    const begin = (line: Line, from: NonNullable<ReturnType<typeof parseFromLine>>, text: string): Draft => ({
      fromOffset: line.start,
      fromLine: text,
      sender: from.sender,
      date: from.date,
      time: from.time,
      dateHasZone: from.hasZone,
      lineEnding: line.crlf ? 'crlf' : 'lf',
      headerStart: line.next,
      headerEnd: line.next,
      bodyStart: line.next,
      bodyEnd: line.next,
      end: line.next,
      contentLength: null,
      contentLengthTrusted: false,
      truncated: false,
      fields: {},
      extraFields: [],
    });
    const finishField = () => {
      if (field && cur) {
        field.field.value = field.parts.join('').trim();
        if (field.repeated) cur.extraFields.push(field.field);
        else cur.fields[field.lname] = field.field;
      }
      field = null;
    };

    for (;;) {
      if (state === 'body' && !prevBlank) reader.skipNonBlankLines();
      const line = reader.next();
      if (line === null) {
        await reader.fill();
        continue;
      }
      if (line === 'eof') break;
      const blank = line.length === 0;
      switch (state) {
        case 'expect':
        case 'garbage': {
          const from = (state === 'expect' || prevBlank) && this.fromLine(line);
          if (from) {
            if (state === 'garbage') this.leadingGarbage = { start: garbageStart, end: line.start };
            cur = begin(line, from, line.head.toString('utf8'));
            state = 'headers';
          } else {
            if (state === 'expect') garbageStart = line.start;
            state = 'garbage';
            prevBlank = blank;
            prevBlankStart = line.start;
          }
          break;
        }
        case 'headers': {
          const c = cur as Draft;
          if (blank) {
            finishField();
            c.headerEnd = line.start;
            c.bodyStart = line.next;
            const clField = c.fields['content-length'];
            c.contentLength = clField && !clField.overlong ? parseDecimal(clField.value) : null;
            if (c.contentLength !== null) {
              const cut = await this.checkContentLength(c.bodyStart, c.contentLength, reader.limit);
              if (cut) {
                c.bodyEnd = cut.bodyEnd;
                c.end = cut.end;
                c.contentLengthTrusted = true;
                yield complete(c);
                cur = null;
                reader.seek(cut.end);
                state = 'expect';
                break;
              }
            }
            state = 'body';
            prevBlank = true;
            prevBlankStart = line.start;
          } else if (line.head[0] === 0x20 || line.head[0] === 0x09) {
            const f = field as FieldBuilder | null;
            if (f) {
              f.field.end = line.next;
              this.appendValue(f, line, 0);
            }
          } else {
            finishField();
            const colon = line.head.indexOf(0x3a);
            if (colon > 0) {
              const name = line.head.toString('latin1', 0, colon).trimEnd();
              const lname = name.toLowerCase();
              if (INTERESTING.has(lname)) {
                const fb: FieldBuilder = {
                  lname: lname as MetadataHeaderName,
                  repeated: c.fields[lname as MetadataHeaderName] !== undefined,
                  field: { name, value: '', start: line.start, end: line.next, overlong: false },
                  parts: [],
                  length: 0,
                };
                this.appendValue(fb, line, colon + 1);
                field = fb;
              }
            }
          }
          break;
        }
        case 'body': {
          const from = prevBlank && this.fromLine(line);
          if (from) {
            const c = cur as Draft;
            c.bodyEnd = Math.max(c.bodyStart, prevBlankStart);
            c.end = line.start;
            yield complete(c);
            cur = begin(line, from, line.head.toString('utf8'));
            state = 'headers';
          } else {
            prevBlank = blank;
            prevBlankStart = line.start;
          }
          break;
        }
      }
    }
    const limitNow = reader.limit;
    this.scannedEnd = limitNow;
    if (state === 'garbage') this.leadingGarbage = { start: garbageStart, end: limitNow };
    if (cur && state === 'headers') {
      finishField();
      const c = cur as Draft;
      c.headerEnd = c.bodyStart = c.bodyEnd = c.end = limitNow;
      const clField = c.fields['content-length'];
      c.contentLength = clField && !clField.overlong ? parseDecimal(clField.value) : null;
      c.truncated = true;
      yield complete(c);
    } else if (cur && state === 'body') {
      const c = cur as Draft;
      c.bodyEnd = prevBlank ? Math.max(c.bodyStart, prevBlankStart) : limitNow;
      c.end = limitNow;
      c.truncated = c.contentLength !== null && c.bodyStart + c.contentLength > limitNow;
      yield complete(c);
    }
  }

  private fromLine(line: Line): ReturnType<typeof parseFromLine> | false {
    if (line.length > this.maxFrom || !startsWithFrom(line.head, 0, line.head.length)) return false;
    return parseFromLine(line.head.toString('utf8')) ?? false;
  }

  private appendValue(f: FieldBuilder, line: Line, from: number): void {
    if (f.field.overlong) return;
    if (line.length > line.head.length || f.length + line.length - from > this.maxValue) f.field.overlong = true;
    const part = line.head.toString('latin1', from, Math.min(line.head.length, from + this.maxValue - f.length));
    f.parts.push(part);
    f.length += part.length;
  }

  /** Where the body ends if Content-Length is to be trusted (see the design comment), else null. */
  private async checkContentLength(bodyStart: number, length: number, limit: number): Promise<{ bodyEnd: number; end: number } | null> {
    const cut = bodyStart + length;
    if (cut > limit) return null;
    if (cut === limit) return { bodyEnd: cut, end: cut };
    const want = Math.min(limit - cut, this.maxFrom + 4);
    const b = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh.read(b, got, want - got, cut + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    let p: number;
    if (got >= 1 && b[0] === 0x0a) p = 1;
    else if (got >= 2 && b[0] === 0x0d && b[1] === 0x0a) p = 2;
    else return null;
    if (cut + p === limit) return { bodyEnd: cut, end: limit };
    let lineEnd = b.indexOf(0x0a, p);
    if (lineEnd < 0 || lineEnd >= got) {
      if (cut + got < limit) return null; // longer than any From line we accept
      lineEnd = got;
    } else if (lineEnd > p && b[lineEnd - 1] === 0x0d) {
      lineEnd--;
    }
    if (lineEnd - p > this.maxFrom || !startsWithFrom(b, p, lineEnd) || !parseFromLine(b.toString('utf8', p, lineEnd))) return null;
    return { bodyEnd: cut, end: cut + p };
  }
}

function complete(d: Draft): MboxMessage {
  const f = d.fields;
  const val = (k: MetadataHeaderName) => {
    const x = f[k];
    return x && !x.overlong ? x.value : null;
  };
  const status = val('status');
  const xStatus = val('x-status');
  const keywords = val('x-keywords');
  const uid = val('x-uid');
  const base = val('x-imapbase');
  const imap = val('x-imap');
  return {
    ...d,
    status: status === null ? null : parseStatusLetters(status),
    xStatus: xStatus === null ? null : parseStatusLetters(xStatus),
    keywords: keywords === null ? null : parseKeywords(keywords),
    uid: uid === null ? null : parseDecimal(uid),
    imapBase: base === null ? null : parseImapBase(base),
    imap: imap === null ? null : parseImapBase(imap),
    uidl: val('x-uidl'),
  };
}

/** Result of scanMbox: every message record plus what was found before the first one. */
export interface MboxScanResult {
  messages: MboxMessage[];
  /** Non-null when the range does not start with a valid From line. */
  leadingGarbage: ByteRange | null;
  /** Exclusive end of the scanned range. */
  end: number;
}

/** Scans an mbox file by path and collects the records (fine for tests and small files). */
export async function scanMbox(path: string, options: MboxScanOptions = {}): Promise<MboxScanResult> {
  const fh = await open(path, 'r');
  try {
    const scanner = new MboxScanner(fh, options);
    const messages: MboxMessage[] = [];
    for await (const m of scanner.messages()) messages.push(m);
    return { messages, leadingGarbage: scanner.leadingGarbage, end: scanner.scannedEnd };
  } finally {
    await fh.close();
  }
}
