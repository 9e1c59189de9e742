// Resolving BODY[section]<partial> and RFC822.* (RFC 3501 §6.4.5) to the bytes to send: a size
// known before the first byte (literals announce their length) and a way to stream them. Sizes
// come from the parsed structure's CRLF offsets (BINARY, whose decoded size is not known, is in
// binary.ts). A part that does not exist gives empty content, as Dovecot answers (`BODY[9] {0}`).

import { Readable } from 'node:stream';
import { findPart } from '../../../storage/content.js';
import type { MimeNode } from '../../../storage/message/types.js';
import type { Mailbox, MessageInfo, ParsedMessage } from '../../../storage/types.js';
import type { Partial, Section } from '../parser/types.js';

/** Bytes ready to be sent as one literal. */
export interface SectionContent {
  size: number;
  /** Send as literal8 `~{n}` (decoded BINARY content with NUL or 8-bit bytes). */
  binary: boolean;
  /** Opens the bytes; called once, when the literal is written. */
  open(): Promise<Readable | AsyncIterable<Buffer>>;
}

/** Raised for BINARY of a part whose transfer encoding we cannot decode (→ `NO [UNKNOWN-CTE]`). */
export class UnknownCteError extends Error {
  constructor(readonly encoding: string) {
    super(`Unknown Content-Transfer-Encoding ${encoding}`);
    this.name = 'UnknownCteError';
  }
}

/** One message being fetched: its snapshot entry and its structure, loaded once when needed. */
export class FetchMessage {
  private parsed?: Promise<ParsedMessage>;

  constructor(
    readonly box: Mailbox,
    readonly info: MessageInfo,
  ) {}

  structure(): Promise<ParsedMessage> {
    this.parsed ??= this.box.structure(this.info.uid);
    return this.parsed;
  }
}

/** Content already in memory (small: filtered headers, empty sections). */
export function bytesContent(data: Buffer, binary = false): SectionContent {
  return { size: data.length, binary, open: async () => Readable.from([data], { objectMode: false }) };
}

async function readAll(stream: Readable | AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

function slicePartial(data: Buffer, partial: Partial | undefined): Buffer {
  if (!partial) return data;
  return data.subarray(Math.min(partial.offset, data.length), Math.min(partial.offset + partial.length, data.length));
}

/** The message (top level, or embedded in the message/rfc822 part at `part`) whose header/text a section names. */
function messageRoot(parsed: ParsedMessage, part: number[]): MimeNode | null {
  if (part.length === 0) return parsed.root;
  return findPart(parsed, part)?.message?.root ?? null;
}

/** The bytes a section names in the CRLF message, before any partial; null when it does not exist. */
export function sectionSpan(parsed: ParsedMessage, section: Section): { start: number; end: number } | null {
  if (section.text === undefined) {
    if (section.part.length === 0) return { start: 0, end: parsed.size };
    const node = findPart(parsed, section.part);
    return node ? { start: node.bodyStart, end: node.bodyEnd } : null;
  }
  if (section.text === 'MIME') {
    const node = findPart(parsed, section.part);
    return node ? { start: node.headerStart, end: node.headerEnd } : null;
  }
  const root = messageRoot(parsed, section.part);
  if (!root) return null;
  if (section.text === 'TEXT') return { start: root.bodyStart, end: section.part.length === 0 ? parsed.size : root.bodyEnd };
  return { start: root.headerStart, end: root.headerEnd };
}

/** One header field with its continuation lines; `name` is null for a line that is not a field. */
interface RawField {
  name: string | null;
  start: number;
  end: number;
}

/** Splits header bytes into fields as written, keeping lines that are not fields (Dovecot passes them through HEADER.FIELDS.NOT). */
function rawFields(header: Buffer): RawField[] {
  const out: RawField[] = [];
  let pos = 0;
  while (pos < header.length) {
    const lf = header.indexOf(0x0a, pos);
    const end = lf === -1 ? header.length : lf + 1;
    const line = header.subarray(pos, end);
    if (line.length <= 2 && (line[0] === 0x0d || line[0] === 0x0a)) break; // the blank line ending the header
    if ((line[0] === 0x20 || line[0] === 0x09) && out.length > 0) {
      out[out.length - 1].end = end;
    } else {
      const colon = line.indexOf(0x3a);
      const name = colon > 0 ? line.subarray(0, colon).toString('latin1').trim().toUpperCase() : null;
      out.push({ name: name === '' ? null : name, start: pos, end });
    }
    pos = end;
  }
  return out;
}

/**
 * HEADER.FIELDS / HEADER.FIELDS.NOT: the chosen fields as written, then the blank line. A last
 * field cut off without a line end stays so when the header runs to the end of the message (as
 * Dovecot sends it); elsewhere (a part's header cut by a boundary) it gets its CRLF back.
 */
function filterHeader(header: Buffer, names: readonly string[], exclude: boolean, atEnd: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toUpperCase()));
  const chosen = rawFields(header).filter((f) => (f.name !== null && wanted.has(f.name)) !== exclude);
  const parts = chosen.map((f) => header.subarray(f.start, f.end));
  const last = parts[parts.length - 1];
  if (last && last[last.length - 1] !== 0x0a) {
    if (atEnd) return Buffer.concat(parts);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** The content of BODY[section]<partial> (also RFC822 = BODY[], RFC822.HEADER, RFC822.TEXT). */
export async function bodySection(msg: FetchMessage, section: Section, partial?: Partial): Promise<SectionContent> {
  let span: { start: number; end: number } | null;
  if (section.text === undefined && section.part.length === 0) span = { start: 0, end: msg.info.size };
  else span = sectionSpan(await msg.structure(), section);
  if (!span) return bytesContent(Buffer.alloc(0));
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
    const parsed = await msg.structure();
    const header = await readAll(await msg.box.openContent(msg.info.uid, { what: 'full', range: { start: span.start, length: span.end - span.start } }));
    return bytesContent(slicePartial(filterHeader(header, section.fields ?? [], section.text === 'HEADER.FIELDS.NOT', span.end >= parsed.size), partial));
  }
  const start = Math.min(span.start + (partial?.offset ?? 0), span.end);
  const end = partial ? Math.min(span.end, start + partial.length) : span.end;
  const size = Math.max(0, end - start);
  if (size === 0) return bytesContent(Buffer.alloc(0));
  return { size, binary: false, open: () => msg.box.openContent(msg.info.uid, { what: 'full', range: { start, length: size } }) };
}
