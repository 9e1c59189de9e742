// Selecting bytes of a message for reading: a MIME part by IMAP part number, its header, body
// or MIME header, and a byte range, all on the CRLF-normalized form, streamed.
//
// Part numbers (RFC 3501 §6.4.5): from a message (the top one or one embedded in a
// message/rfc822 part), part n is the n-th child when it is a multipart, and part 1 is its own
// body when it is not. From a part that is not a message, only a multipart has children; a
// message/rfc822 part leads into its embedded message.

import { Readable } from 'node:stream';
import { createCrlfNormalizer } from './message/crlf.js';
import type { MimeNode, ParsedMessage } from './message/types.js';
import type { ContentRequest } from './types.js';

/** A byte span [start, end) of the CRLF message; end may be Infinity (to the end). */
export interface Span {
  start: number;
  end: number;
}

/** The node a part path names, or null. */
export function findPart(parsed: ParsedMessage, path: readonly number[]): MimeNode | null {
  let node: MimeNode = parsed.root;
  let isMessage = true;
  for (const idx of path) {
    if (!Number.isSafeInteger(idx) || idx < 1) return null;
    const msg: MimeNode | null = isMessage ? node : (node.message?.root ?? null);
    if (msg) {
      if (msg.children.length > 0) {
        const child = msg.children[idx - 1];
        if (!child) return null;
        node = child;
      } else if (idx === 1) {
        node = msg;
      } else {
        return null;
      }
    } else if (node.children.length > 0) {
      const child = node.children[idx - 1];
      if (!child) return null;
      node = child;
    } else {
      return null;
    }
    isMessage = false;
  }
  return node;
}

/** True when the request needs the parsed structure (everything but the whole message). */
export function needsStructure(req: ContentRequest): boolean {
  return (req.part ?? []).length > 0 || req.what !== 'full';
}

/** The span a request selects before its range, or null when that part does not exist. */
export function selectSpan(parsed: ParsedMessage | null, req: ContentRequest): Span | null {
  const path = req.part ?? [];
  if (path.length === 0) {
    if (req.what === 'full') return { start: 0, end: Infinity };
    if (!parsed) return null;
    const root = parsed.root;
    if (req.what === 'header') return { start: root.headerStart, end: root.headerEnd };
    if (req.what === 'body') return { start: root.headerEnd, end: parsed.size };
    return null;
  }
  if (!parsed) return null;
  const node = findPart(parsed, path);
  if (!node) return null;
  switch (req.what) {
    case 'full':
      return { start: node.bodyStart, end: node.bodyEnd };
    case 'mime':
      return { start: node.headerStart, end: node.headerEnd };
    case 'header':
      return node.message ? { start: node.message.root.headerStart, end: node.message.root.headerEnd } : null;
    case 'body':
      return node.message ? { start: node.message.root.headerEnd, end: node.bodyEnd } : null;
  }
}

/** Apply a request's byte range to a span. */
export function applyRange(span: Span, range: ContentRequest['range']): Span {
  if (!range) return span;
  const start = Math.min(span.start + Math.max(0, range.start), span.end);
  const end = range.length === undefined ? span.end : Math.min(span.end, start + Math.max(0, range.length));
  return { start, end };
}

/** CRLF-normalize a raw stream and pass on only the bytes of `span`; stops reading after it. */
export function sliceCrlf(raw: Readable, span: Span): Readable {
  const normalized = raw.pipe(createCrlfNormalizer());
  raw.on('error', (err) => normalized.destroy(err));
  async function* gen(): AsyncGenerator<Buffer> {
    let offset = 0;
    try {
      for await (const chunk of normalized as AsyncIterable<Buffer>) {
        const from = Math.max(span.start - offset, 0);
        const to = Math.min(span.end - offset, chunk.length);
        if (to > from) yield chunk.subarray(from, to);
        offset += chunk.length;
        if (offset >= span.end) break;
      }
    } finally {
      raw.destroy();
      normalized.destroy();
    }
  }
  return Readable.from(gen(), { objectMode: false });
}

/** An empty byte stream. */
export function emptyStream(): Readable {
  return Readable.from([], { objectMode: false });
}
