// Resolving BODY[section]<partial>, RFC822.*, BINARY[part] and BINARY.SIZE[part] (RFC 3501
// §6.4.5, RFC 3516) to the bytes to send: a size known before the first byte (literals announce
// their length) and a way to stream them. Sizes come from the parsed structure's CRLF offsets,
// so only BINARY (whose decoded size is unknown) reads a part twice: once to count, once to send.
// A part that does not exist gives empty content, as Dovecot answers (`BODY[9] {0}`).

import { PassThrough, Readable } from 'node:stream';
import { applyRange, findPart, selectSpan } from '../../../storage/content.js';
import { excludeHeaderFields, parseHeader, selectHeaderFields } from '../../../storage/message/header.js';
import type { ContentRequest, Mailbox, MessageInfo, ParsedMessage } from '../../../storage/types.js';
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

function contentRequest(section: Section): ContentRequest {
  switch (section.text) {
    case undefined:
      return { part: section.part, what: 'full' };
    case 'MIME':
      return { part: section.part, what: 'mime' };
    case 'TEXT':
      return { part: section.part, what: 'body' };
    default:
      return { part: section.part, what: 'header' };
  }
}

/** The content of BODY[section]<partial> (also RFC822 = BODY[], RFC822.HEADER, RFC822.TEXT). */
export async function bodySection(msg: FetchMessage, section: Section, partial?: Partial): Promise<SectionContent> {
  const request = contentRequest(section);
  if (section.text === 'HEADER.FIELDS' || section.text === 'HEADER.FIELDS.NOT') {
    const parsed = await msg.structure();
    if (!selectSpan(parsed, request)) return bytesContent(Buffer.alloc(0));
    const header = await readAll(await msg.box.openContent(msg.info.uid, request));
    const fields = parseHeader(header);
    const names = section.fields ?? [];
    const chosen = section.text === 'HEADER.FIELDS' ? selectHeaderFields(header, fields, names) : excludeHeaderFields(header, fields, names);
    // The blank line ends the selection, except after a last field cut off without a line end
    // (a header-only message without a final newline): Dovecot then sends the bytes as they are.
    const cut = chosen.length > 0 && chosen[chosen.length - 1] !== 0x0a;
    return bytesContent(slicePartial(cut ? chosen : Buffer.concat([chosen, Buffer.from('\r\n')]), partial));
  }
  let span: { start: number; end: number } | null;
  if (request.what === 'full' && section.part.length === 0) {
    span = { start: 0, end: msg.info.size };
  } else {
    const parsed = await msg.structure();
    span = selectSpan(parsed, request);
    if (span && span.end === Infinity) span = { start: span.start, end: parsed.size };
  }
  if (!span) return bytesContent(Buffer.alloc(0));
  const range = partial ? { start: partial.offset, length: partial.length } : undefined;
  const ranged = applyRange(span, range);
  const size = Math.max(0, ranged.end - ranged.start);
  if (size === 0) return bytesContent(Buffer.alloc(0));
  return { size, binary: false, open: () => msg.box.openContent(msg.info.uid, { ...request, range }) };
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
