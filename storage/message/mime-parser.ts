// Streaming MIME structure parser.
//
// Design: the message is read once as lines of its CRLF-normalized form (line-reader.ts). A
// stack holds the open nodes from the root down to the part now receiving lines; each is either
// reading its header or its body. Every line starting with "--" is checked against the
// boundaries of the open multiparts, innermost first, also while a header is being read (as
// Dovecot does), so a missing closing boundary or a truncated part never swallows its parent.
// A boundary line closes every node above its multipart; the CRLF before it belongs to the
// boundary (RFC 2046 §5.1.1), so those bodies end 2 bytes before the line. Which nodes lose
// that CRLF depends on what consumed the previous line, exactly as Dovecot 2.3 reads it (its
// BODYSTRUCTURE sizes and BODY[n] sections are compared with ours on thousands of random
// messages in the tests): see tryBoundary. Line counts come
// from global line numbers: a body from line a to the boundary on line b holds b-a-1 CRLFs.
// Only header bytes (capped) and the boundary stack are kept; body bytes are never stored.
//
// Degradations (never thrown), matching Dovecot 2.3: a multipart without a usable boundary (or
// whose boundary never appears) keeps its type, its body is all preamble, and it gets one empty
// text/plain child at its end, so every multipart has at least one part; an unparsable
// Content-Type is text/plain us-ascii; a message/rfc822 body is parsed as a message whatever its
// transfer encoding (a base64 body becomes a header without blank line); a header without its
// blank line ends at the end of input (or at a boundary line) with an empty body.

import { buildEnvelope } from './envelope.js';
import { readContentFields } from './content-headers.js';
import { parseHeader } from './header.js';
import { LineReader } from './line-reader.js';
import type { Line } from './line-reader.js';
import type { Envelope, HeaderField, MimeNode } from './types.js';

/** Limits of the structure parser; every one is the caller's configuration value. */
export interface MimeParseLimits {
  /** Header bytes kept per part for parsing; the rest of a huge header is counted, not kept. */
  maxHeaderBytes?: number;
  /** Bytes of one line kept (boundaries and header lines longer than this are cut). */
  maxLineBytes?: number;
  /** Deepest nesting of multiparts/messages honoured; deeper parts are leaves. */
  maxDepth?: number;
  /**
   * Most MIME parts (nodes) created for one message; past it boundary lines are plain body
   * lines of the part they are in, so the tree stays small for hostile input (as Dovecot).
   */
  maxParts?: number;
}

/** Callbacks into the bodies of leaf parts (used by search text extraction). */
export interface LeafHooks {
  /** A leaf part's header is done; return false to get no lines for it. */
  start(node: MimeNode): boolean;
  /** One body line (content without line end) of the current leaf. */
  line(node: MimeNode, prefix: Buffer, terminated: boolean): void;
  /** The leaf ended, at a boundary line or at the end of input. */
  end(node: MimeNode, atBoundary: boolean): void;
  /** Optional: every part's header fields once parsed (header bytes of that part, capped). */
  header?(node: MimeNode, fields: HeaderField[], isMessageHeader: boolean): void;
}

export const DEFAULT_MIME_LIMITS: Required<MimeParseLimits> = {
  maxHeaderBytes: 1024 * 1024,
  maxLineBytes: 64 * 1024,
  maxDepth: 100,
  maxParts: 10000,
};

interface OpenNode {
  node: MimeNode;
  inHeader: boolean;
  headerChunks: Buffer[];
  headerKept: number;
  /** Global line number of the first body line. */
  bodyLine: number;
  /**
   * "--" + boundary, for a multipart whose boundary is still live. Two byte forms when the
   * boundary has 8-bit characters: the header string does not tell UTF-8 from Latin-1 bytes.
   */
  boundary: Buffer[] | null;
  childCount: number;
  isDigest: boolean;
  /** For an embedded or top-level message root: where to store its envelope. */
  envelopeSink: ((env: Envelope) => void) | null;
  /** Leaf whose lines go to the hooks. */
  hooked: boolean;
  depth: number;
}

const CRLF = Buffer.from('\r\n');
const DASH = 0x2d;

function newNode(partPath: number[], headerStart: number): MimeNode {
  return {
    partPath,
    headerStart,
    headerEnd: headerStart,
    bodyStart: headerStart,
    bodyEnd: headerStart,
    contentType: { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } },
    contentId: null,
    contentDescription: null,
    contentTransferEncoding: '7bit',
    contentDisposition: null,
    contentLanguage: null,
    contentLocation: null,
    contentMd5: null,
    bodySize: 0,
    bodyLines: 0,
    children: [],
  };
}

/** Incremental parser: feed raw chunks with push(), then finish() for the tree. */
export class MimeStructureParser {
  private readonly reader: LineReader;
  private readonly stack: OpenNode[] = [];
  private readonly limits: Required<MimeParseLimits>;
  private lineNo = 0;
  /** What consumed the previous line: its CRLF decides where parts before a boundary end. */
  private prevKind: 'boundary' | 'header' | 'body' = 'body';
  /** The part whose header consumed the previous line, when prevKind is 'header'. */
  private headerOwner: OpenNode | null = null;
  private readonly root: MimeNode;
  private partCount = 1;
  private envelope: Envelope | null = null;

  constructor(
    limits: MimeParseLimits = {},
    private readonly hooks: LeafHooks | null = null,
    keepLineBytes?: number,
  ) {
    this.limits = { ...DEFAULT_MIME_LIMITS, ...limits };
    this.reader = new LineReader((line) => this.onLine(line), Math.max(keepLineBytes ?? 0, this.limits.maxLineBytes));
    this.root = newNode([], 0);
    this.stack.push(this.open(this.root, 0, false, (env) => (this.envelope = env)));
  }

  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  /** Ends the input and returns the tree, the top envelope, size and line count. */
  finish(): { root: MimeNode; envelope: Envelope; size: number; lines: number } {
    this.reader.end();
    const size = this.reader.size;
    const lines = this.reader.lines;
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1];
      if (top.inHeader) {
        this.endHeader(top, size, lines);
        continue; // ending a header may open an embedded message: close that first
      }
      this.closeTop(size, lines);
    }
    return { root: this.root, envelope: this.envelope ?? buildEnvelope([]), size, lines };
  }

  private open(node: MimeNode, depth: number, isDigest: boolean, envelopeSink: OpenNode['envelopeSink']): OpenNode {
    return {
      node,
      inHeader: true,
      headerChunks: [],
      headerKept: 0,
      bodyLine: 0,
      boundary: null,
      childCount: 0,
      isDigest,
      envelopeSink,
      hooked: false,
      depth,
    };
  }

  private onLine(line: Line): void {
    const lineNo = this.lineNo;
    if (line.terminated) this.lineNo++;
    if (line.prefix.length >= 2 && line.prefix[0] === DASH && line.prefix[1] === DASH && this.tryBoundary(line, lineNo)) {
      this.prevKind = 'boundary';
      return;
    }
    const top = this.stack[this.stack.length - 1];
    this.prevKind = top.inHeader ? 'header' : 'body';
    this.headerOwner = top.inHeader ? top : null;
    if (top.inHeader) {
      if (line.length === 0 && line.terminated) {
        this.endHeader(top, line.start + 2, lineNo + 1);
        return;
      }
      const max = this.limits.maxHeaderBytes;
      if (top.headerKept < max) {
        const piece = line.prefix.subarray(0, max - top.headerKept);
        top.headerChunks.push(Buffer.from(piece), CRLF);
        top.headerKept += piece.length + 2;
      }
      return;
    }
    if (top.hooked && this.hooks) this.hooks.line(top.node, line.prefix, line.terminated);
  }

  /** Checks a "--" line against live boundaries, innermost first; handles it when it matches. */
  private tryBoundary(line: Line, lineNo: number): boolean {
    if (this.partCount >= this.limits.maxParts) return false;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const forms = this.stack[i].boundary;
      if (forms === null) continue;
      const b = forms.find((f) => line.prefix.length >= f.length && line.prefix.compare(f, 0, f.length, 0, f.length) === 0);
      if (b === undefined) continue;
      const isClose = line.prefix.length >= b.length + 2 && line.prefix[b.length] === DASH && line.prefix[b.length + 1] === DASH;
      // The CRLF before a boundary line belongs to it (RFC 2046 §5.1.1), so a body ends 2 bytes
      // before the line. Dovecot's reading, followed here byte for byte: when that CRLF ended a
      // previous boundary line (e.g. "--inner--" CRLF "--outer"), no body loses it; when it
      // ended a header line or a header's blank line, the part owning that header loses it
      // (its header stops before it, its body is empty) but the multiparts and messages
      // enclosing that part, up to the delimited multipart, keep it.
      const owner = this.prevKind === 'header' ? this.headerOwner : null;
      const keepEnd = line.start;
      const cutEnd = Math.max(0, line.start - 2);
      let ownerOpen = owner !== null && this.stack.indexOf(owner) > i;
      while (this.stack.length - 1 > i) {
        const open = this.stack[this.stack.length - 1];
        const short = ownerOpen || this.prevKind === 'body';
        const end = short ? cutEnd : keepEnd;
        if (open.inHeader) {
          this.endHeader(open, end, lineNo);
          continue; // ending a header may open an embedded message: close that first
        }
        if (open === owner) ownerOpen = false;
        this.closeTop(end, short ? lineNo - 1 : lineNo, true);
      }
      const multipart = this.stack[i];
      if (isClose) {
        multipart.boundary = null;
        return true;
      }
      const childStart = line.start + line.length + (line.terminated ? 2 : 0);
      multipart.childCount++;
      this.partCount++;
      const child = newNode([...multipart.node.partPath, multipart.childCount], childStart);
      multipart.node.children.push(child);
      this.stack.push(this.open(child, multipart.depth + 1, multipart.isDigest, null));
      return true;
    }
    return false;
  }

  /** The header of `open` ends at `bodyStart`; the body starts on global line `bodyLine`. */
  private endHeader(open: OpenNode, bodyStart: number, bodyLine: number): void {
    const node = open.node;
    open.inHeader = false;
    // a boundary may take back the CRLF right before it, even when no header line was read
    if (bodyStart < node.headerStart) node.headerStart = bodyStart;
    node.headerEnd = bodyStart;
    node.bodyStart = bodyStart;
    open.bodyLine = bodyLine;
    const fields = parseHeader(Buffer.concat(open.headerChunks));
    open.headerChunks = [];
    const content = readContentFields(fields, open.isDigest, open.envelopeSink !== null);
    node.contentType = content.contentType;
    node.contentId = content.contentId;
    node.contentDescription = content.contentDescription;
    node.contentTransferEncoding = content.contentTransferEncoding;
    node.contentDisposition = content.contentDisposition;
    node.contentLanguage = content.contentLanguage;
    node.contentLocation = content.contentLocation;
    node.contentMd5 = content.contentMd5;
    if (open.envelopeSink) open.envelopeSink(buildEnvelope(fields));
    if (this.hooks?.header) this.hooks.header(node, fields, open.envelopeSink !== null);
    const { type, subtype, params } = node.contentType;
    const canNest = open.depth < this.limits.maxDepth;
    if (type === 'multipart') {
      const boundary = params.boundary;
      if (boundary !== undefined && boundary.length > 0 && canNest) {
        const latin1 = Buffer.from('--' + boundary, 'latin1');
        const utf8 = Buffer.from('--' + boundary, 'utf8');
        open.boundary = latin1.equals(utf8) ? [latin1] : [utf8, latin1];
        open.isDigest = subtype === 'digest';
      }
      return;
    }
    if (type === 'message' && subtype === 'rfc822' && canNest && this.partCount < this.limits.maxParts) {
      this.partCount++;
      const inner = newNode(node.partPath, bodyStart);
      const holder: { envelope: Envelope; root: MimeNode } = { envelope: buildEnvelope([]), root: inner };
      node.message = holder;
      this.stack.push(this.open(inner, open.depth + 1, false, (env) => (holder.envelope = env)));
      return;
    }
    if (this.hooks && this.hooks.start(node)) open.hooked = true;
  }

  /** Pops the top node, its body ending at `end` with `lastLine` the global number after its last CRLF. */
  private closeTop(end: number, lastLine: number, atBoundary = false): void {
    const open = this.stack.pop();
    if (!open) return;
    const node = open.node;
    if (end < node.bodyStart) {
      // The CRLF taken by the boundary was the header's own line end or blank line (Dovecot
      // reads "--b\r\n\r\n--b" as an empty part): the header stops before it, the body is empty.
      node.headerStart = Math.min(node.headerStart, end);
      node.headerEnd = end;
      node.bodyStart = end;
    }
    node.bodyEnd = Math.max(node.bodyStart, end);
    node.bodySize = node.bodyEnd - node.bodyStart;
    node.bodyLines = Math.max(0, lastLine - open.bodyLine);
    if (node.contentType.type === 'multipart' && node.children.length === 0) {
      // No usable boundary, or none ever seen: like Dovecot, one empty text/plain part at the end.
      const empty = newNode([...node.partPath, 1], node.bodyEnd);
      node.children.push(empty);
    }
    if (open.hooked && this.hooks) this.hooks.end(node, atBoundary);
  }
}
