// BINARY[part]<partial> and BINARY.SIZE[part] (RFC 3516): the content with its transfer encoding
// undone.
//
// Design: the bytes of the requested part (or of the whole message for BINARY[]) are planned as
// a list of segments over the CRLF message — raw byte ranges, a leaf's header with its
// Content-Transfer-Encoding turned into `binary`, and a leaf's body through a base64/QP decoder. A
// leaf is decoded where it is; multiparts and embedded messages are walked so that every leaf
// inside them is decoded too, as Dovecot does. The decoded size is not known in advance, so the
// segments are read once to measure (size, and whether literal8 is needed) and once to send;
// both passes stream, nothing is held whole.

import { PassThrough } from 'node:stream';
import { findPart } from '../../../storage/content.js';
import type { MimeNode } from '../../../storage/message/types.js';
import type { ParsedMessage } from '../../../storage/types.js';
import type { Partial } from '../parser/types.js';
import { decoderFor } from './decode.js';
import { bytesContent, UnknownCteError } from './section.js';
import type { FetchMessage, SectionContent } from './section.js';

type Segment = { kind: 'raw'; start: number; end: number } | { kind: 'binary-header'; start: number; end: number } | { kind: 'decode'; start: number; end: number; encoding: string };

function isLeaf(node: MimeNode): boolean {
  return node.children.length === 0 && !node.message;
}

function raw(out: Segment[], start: number, end: number): void {
  if (end <= start) return;
  const last = out[out.length - 1];
  if (last && last.kind === 'raw' && last.end === start) last.end = end;
  else out.push({ kind: 'raw', start, end });
}

/** The body of `node` from `start` to `end`, its children (or embedded message) planned in place. */
function planBody(node: MimeNode, start: number, end: number, out: Segment[]): void {
  const kids = node.message ? [node.message.root] : node.children;
  let pos = start;
  for (const kid of kids) {
    raw(out, pos, kid.headerStart);
    planNode(kid, out);
    pos = Math.max(pos, kid.bodyEnd);
  }
  raw(out, pos, end);
}

/** A whole node: header and body, a leaf decoded. */
function planNode(node: MimeNode, out: Segment[]): void {
  if (isLeaf(node)) {
    const decoder = decoderFor(node.contentTransferEncoding);
    if (decoder === undefined) throw new UnknownCteError(node.contentTransferEncoding);
    if (decoder === null) return raw(out, node.headerStart, node.bodyEnd);
    decoder.destroy();
    out.push({ kind: 'binary-header', start: node.headerStart, end: node.headerEnd });
    out.push({ kind: 'decode', start: node.bodyStart, end: node.bodyEnd, encoding: node.contentTransferEncoding });
    return;
  }
  raw(out, node.headerStart, node.headerEnd);
  planBody(node, node.bodyStart, node.bodyEnd, out);
}

/** The segments of BINARY[part], or null when the part does not exist. */
export function planBinary(parsed: ParsedMessage, part: readonly number[]): Segment[] | null {
  const out: Segment[] = [];
  if (part.length === 0) {
    planNode(parsed.root, out);
    raw(out, parsed.root.bodyEnd, parsed.size);
    return out;
  }
  const node = findPart(parsed, part);
  if (!node) return null;
  if (isLeaf(node)) {
    const decoder = decoderFor(node.contentTransferEncoding);
    if (decoder === undefined) throw new UnknownCteError(node.contentTransferEncoding);
    decoder?.destroy();
    if (decoder) out.push({ kind: 'decode', start: node.bodyStart, end: node.bodyEnd, encoding: node.contentTransferEncoding });
    else raw(out, node.bodyStart, node.bodyEnd);
    return out;
  }
  planBody(node, node.bodyStart, node.bodyEnd, out);
  return out;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c);
  return Buffer.concat(parts);
}

/**
 * A decoded leaf's header as Dovecot sends it: the Content-Transfer-Encoding field (with its
 * continuation lines) moved to the end as `Content-Transfer-Encoding: binary`.
 */
function binaryHeader(header: Buffer): Buffer {
  const kept: Buffer[] = [];
  let dropping = false;
  let pos = 0;
  while (pos < header.length) {
    const lf = header.indexOf(0x0a, pos);
    const end = lf === -1 ? header.length : lf + 1;
    const line = header.subarray(pos, end);
    const continuation = line[0] === 0x20 || line[0] === 0x09;
    if (!continuation) dropping = /^content-transfer-encoding\s*:/i.test(line.toString('latin1'));
    if (!dropping) kept.push(line);
    pos = end;
  }
  const last = kept[kept.length - 1];
  const blank = last !== undefined && (last.equals(Buffer.from('\r\n')) || last.equals(Buffer.from('\n')));
  const cte = Buffer.from('Content-Transfer-Encoding: binary\r\n');
  if (blank) kept.splice(kept.length - 1, 0, cte);
  else kept.push(cte);
  return Buffer.concat(kept);
}

/** Streams the planned segments. */
async function* segmentStream(msg: FetchMessage, segments: readonly Segment[]): AsyncGenerator<Buffer> {
  for (const s of segments) {
    if (s.end <= s.start) continue;
    const source = (await msg.box.openContent(msg.info.uid, { what: 'full', range: { start: s.start, length: s.end - s.start } })) as AsyncIterable<Buffer> & NodeJS.ReadableStream;
    if (s.kind === 'raw') {
      yield* source;
    } else if (s.kind === 'binary-header') {
      yield binaryHeader(await readAll(source));
    } else {
      const decoder = decoderFor(s.encoding)!;
      const out = new PassThrough();
      source.on('error', (err: Error) => decoder.destroy(err));
      decoder.on('error', (err) => out.destroy(err));
      source.pipe(decoder).pipe(out);
      yield* out as AsyncIterable<Buffer>;
    }
  }
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

/** Per message, what was measured per part (BINARY.SIZE and BINARY of one part share it). */
export type BinaryCache = Map<string, { size: number; literal8: boolean }>;

function needsLiteral8(chunk: Buffer): boolean {
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk[i];
    if (c === 0 || c >= 0x80) return true;
  }
  return false;
}

/** Size and literal8 need of the planned content: the sum of raw ranges plus one decoding pass. */
async function measure(msg: FetchMessage, segments: readonly Segment[]): Promise<{ size: number; literal8: boolean }> {
  const decoding = segments.some((s) => s.kind === 'decode');
  let size = 0;
  let literal8 = false;
  if (!decoding) {
    for (const s of segments) size += s.end - s.start;
    return { size, literal8 };
  }
  for await (const chunk of segmentStream(msg, segments)) {
    size += chunk.length;
    // NUL needs literal8 (RFC 3516 §4.2); like Dovecot, decoded 8-bit content goes as literal8 too
    if (!literal8) literal8 = needsLiteral8(chunk);
  }
  return { size, literal8 };
}

async function planned(msg: FetchMessage, part: number[], cache: BinaryCache): Promise<{ segments: Segment[]; size: number; literal8: boolean } | null> {
  const segments = planBinary(await msg.structure(), part);
  if (!segments) return null;
  const key = part.join('.');
  let m = cache.get(key);
  if (!m) {
    m = await measure(msg, segments);
    cache.set(key, m);
  }
  return { segments, ...m };
}

/** BINARY.SIZE[part]: the decoded size (0 for a part that does not exist). */
export async function binarySize(msg: FetchMessage, part: number[], cache: BinaryCache): Promise<number> {
  return (await planned(msg, part, cache))?.size ?? 0;
}

/** BINARY[part]<partial>: the decoded content. */
export async function binarySection(msg: FetchMessage, part: number[], partial: Partial | undefined, cache: BinaryCache): Promise<SectionContent> {
  const plan = await planned(msg, part, cache);
  if (!plan) return bytesContent(Buffer.alloc(0));
  const offset = Math.min(partial?.offset ?? 0, plan.size);
  const size = Math.min(partial ? partial.length : plan.size, plan.size - offset);
  if (size === 0) return bytesContent(Buffer.alloc(0));
  return { size, binary: plan.literal8, open: async () => window(segmentStream(msg, plan.segments), offset, size) };
}
