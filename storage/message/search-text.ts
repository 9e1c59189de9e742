// Text for SEARCH: the top-level header fields decoded (RFC 2047) and the decoded text of every
// text/* leaf (embedded messages included): transfer encoding (base64, quoted-printable) and
// charset undone, HTML tags optionally stripped. At most `maxBytes` body bytes (as stored,
// before decoding) are examined per message, so a huge message costs bounded time and memory.

import { decode as decodeBase64 } from 'libbase64';
import libqp from 'libqp';
import charset from 'libmime/lib/charset.js';
import { decodeHeaderValue } from './header.js';
import { MimeStructureParser } from './mime-parser.js';
import type { MimeParseLimits } from './mime-parser.js';
import type { MimeNode } from './types.js';

/** Options of extractSearchText. */
export interface SearchTextOptions extends MimeParseLimits {
  /** Cap on body bytes examined (before decoding), summed over all text parts. */
  maxBytes: number;
  /** Remove HTML tags, scripts and styles from text/html parts (default true). */
  stripHtml?: boolean;
}

/** Searchable text of a message. */
export interface SearchText {
  /** Top-level header fields in order, values unfolded and decoded. */
  headers: { name: string; value: string }[];
  /** Decoded text of the text/* parts, joined by newlines. */
  body: string;
  /** True when the byte cap cut the body text short. */
  truncated: boolean;
}

/** Decodes a part body (transfer encoding and charset) to a string; never throws. */
export function decodeTextBody(raw: Buffer, transferEncoding: string, charsetName: string | undefined): string {
  let bytes: Buffer = raw;
  try {
    if (transferEncoding === 'base64') bytes = decodeBase64(raw.toString('latin1'));
    else if (transferEncoding === 'quoted-printable') bytes = libqp.decode(raw);
  } catch {
    bytes = raw;
  }
  try {
    return charset.decode(bytes, charsetName || 'utf-8');
  } catch {
    return bytes.toString('utf-8');
  }
}

const CRLF = Buffer.from('\r\n');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Turns HTML into plain text: drops scripts, styles, comments and tags, decodes entities. */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<(br|p|div|tr|li|h[1-6])\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, ent: string) => {
      if (ent[0] === '#') {
        const code = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[ent.toLowerCase()] ?? m;
    });
}

/** Extracts the searchable text of a message in one streaming pass. */
export async function extractSearchText(source: AsyncIterable<Buffer> | Buffer, opts: SearchTextOptions): Promise<SearchText> {
  const stripHtml = opts.stripHtml ?? true;
  let budget = Math.max(0, opts.maxBytes);
  let truncated = false;
  const headers: { name: string; value: string }[] = [];
  let topHeaderSeen = false;
  const texts: string[] = [];
  let pieces: Buffer[] = [];
  let pendingEol = false;

  const parser = new MimeStructureParser(
    opts,
    {
      header(node, fields, isMessageHeader) {
        if (!isMessageHeader || topHeaderSeen || node.partPath.length > 0) return;
        topHeaderSeen = true;
        for (const f of fields) headers.push({ name: f.name, value: decodeHeaderValue(f.value) });
      },
      start(node: MimeNode) {
        pieces = [];
        pendingEol = false;
        if (node.contentType.type !== 'text') return false;
        if (budget === 0) truncated = true;
        return budget > 0;
      },
      line(_node, prefix, terminated) {
        // The line end is added only when another line follows: the CRLF before a boundary
        // belongs to the boundary, not to the text.
        if (pendingEol && budget >= 2) {
          pieces.push(CRLF);
          budget -= 2;
        }
        pendingEol = false;
        if (budget === 0) {
          truncated = true;
          return;
        }
        const take = Math.min(prefix.length, budget);
        if (take < prefix.length) truncated = true;
        pieces.push(Buffer.from(prefix.subarray(0, take)));
        budget -= take;
        pendingEol = terminated;
      },
      end(node: MimeNode, atBoundary: boolean) {
        if (pendingEol && !atBoundary && budget >= 2) {
          pieces.push(CRLF);
          budget -= 2;
        }
        const raw = Buffer.concat(pieces);
        pieces = [];
        let text = decodeTextBody(raw, node.contentTransferEncoding, node.contentType.params.charset);
        if (stripHtml && node.contentType.subtype === 'html') text = htmlToText(text);
        texts.push(text);
      },
    },
    Math.max(1, Math.min(opts.maxBytes, 16 * 1024 * 1024)),
  );
  if (Buffer.isBuffer(source)) parser.push(source);
  else for await (const chunk of source) parser.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  parser.finish();
  return { headers, body: texts.join('\n'), truncated };
}
