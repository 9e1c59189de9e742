// Resolving BODY[section]<partial>, RFC822.*, BINARY[part] and BINARY.SIZE[part] (RFC 3501
// §6.4.5, RFC 3516) to the bytes to send: a size known before the first byte (literals announce
// their length) and a way to stream them. Sizes come from the parsed structure's CRLF offsets,
// so only BINARY (whose decoded size is unknown) reads a part twice: once to count, once to send.
// A part that does not exist gives empty content, as Dovecot answers (`BODY[9] {0}`).

import { PassThrough, Readable } from 'node:stream';
import { findPart } from '../../../storage/content.js';
import type { MimeNode } from '../../../storage/message/types.js';
import type { Mailbox, MessageInfo, ParsedMessage } from '../../../storage/types.js';
import type { Partial, Section } from '../parser/types.js';
import { decoderFor } from './decode.js';

/** Bytes ready to be sent as one literal. */
export interface SectionContent {
  size: number;
  /** Send as literal8 `~{n}` (BINARY content holding NUL). */
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

function bytesContent(data: Buffer, binary = false): SectionContent {
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

/** Skips `offset` bytes and passes at most `length` more. */
async function* window(source: AsyncIterable<Buffer>, offset: number, length: number): AsyncGenerator<Buffer> {
  let pos = 0;
  const end = offset + length;
  for await (const chunk of source) {
    const from = Math.max(offset - pos, 0);
    const to = Math.min(end - pos, chunk.length);
    if (to > from) yield chunk.subarray(from, to);
    pos += chunk.length;
    if (pos >= end) break;
  }
}

/** The decoded bytes of a part as a stream (BINARY), or null when the part does not exist. */
interface DecodedPart {
  open: () => Promise<AsyncIterable<Buffer>>;
  decoded: boolean;
}

async function decodedPart(msg: FetchMessage, part: number[]): Promise<DecodedPart | null> {
  if (part.length === 0) return { decoded: false, open: async () => (await msg.box.openContent(msg.info.uid, { what: 'full' })) as AsyncIterable<Buffer> };
  const parsed = await msg.structure();
  const node = findPart(parsed, part);
  if (!node) return null;
  const leaf = node.children.length === 0 && !node.message;
  const encoding = node.contentTransferEncoding;
  if (leaf && decoderFor(encoding) === undefined) throw new UnknownCteError(encoding);
  const open = async (): Promise<AsyncIterable<Buffer>> => {
    const raw = await msg.box.openContent(msg.info.uid, { part, what: 'full' });
    const decoder = leaf ? decoderFor(encoding) : null;
    if (!decoder) return raw as AsyncIterable<Buffer>;
    const out = new PassThrough();
    raw.on('error', (err) => decoder.destroy(err));
    raw.pipe(decoder).pipe(out);
    decoder.on('error', (err) => out.destroy(err));
    return out as AsyncIterable<Buffer>;
  };
  return { open, decoded: leaf && decoderFor(encoding) !== null };
}

/** Counts the decoded size of a part and whether it must go as literal8, reading it once. */
async function measure(open: () => Promise<AsyncIterable<Buffer>>, decoded: boolean): Promise<{ size: number; nul: boolean }> {
  let size = 0;
  let nul = false;
  for await (const chunk of await open()) {
    size += chunk.length;
    // NUL needs literal8 (RFC 3516 §4.2); like Dovecot, decoded 8-bit content is sent as literal8 too
    if (!nul) for (const c of chunk) if (c === 0 || (decoded && c >= 0x80)) nul = true;
  }
  return { size, nul };
}

/** Per message, the decoded sizes already measured (BINARY.SIZE and BINARY of one part share them). */
export type BinaryCache = Map<string, { size: number; nul: boolean }>;

async function measured(msg: FetchMessage, part: number[], cache: BinaryCache, decoded: DecodedPart): Promise<{ size: number; nul: boolean }> {
  const key = part.join('.');
  let m = cache.get(key);
  if (!m) {
    m = part.length === 0 ? { size: msg.info.size, nul: false } : await measure(decoded.open, decoded.decoded);
    cache.set(key, m);
  }
  return m;
}

/** BINARY.SIZE[part]: the decoded size. */
export async function binarySize(msg: FetchMessage, part: number[], cache: BinaryCache): Promise<number> {
  const decoded = await decodedPart(msg, part);
  if (!decoded) return 0;
  return (await measured(msg, part, cache, decoded)).size;
}

/** BINARY[part]<partial>: the decoded content. */
export async function binarySection(msg: FetchMessage, part: number[], partial: Partial | undefined, cache: BinaryCache): Promise<SectionContent> {
  const decoded = await decodedPart(msg, part);
  if (!decoded) return bytesContent(Buffer.alloc(0));
  const m = await measured(msg, part, cache, decoded);
  const offset = Math.min(partial?.offset ?? 0, m.size);
  const size = Math.min(partial ? partial.length : m.size, m.size - offset);
  if (size === 0) return bytesContent(Buffer.alloc(0));
  return { size, binary: m.nul, open: async () => window(await decoded.open(), offset, size) };
}
