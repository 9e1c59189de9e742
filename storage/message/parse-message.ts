// parseMessage: one streaming pass over a message giving its size, lines, MIME tree and envelope.

import { MimeStructureParser } from './mime-parser.js';
import type { MimeParseLimits } from './mime-parser.js';
import type { ParsedMessage } from './types.js';

/** Options of parseMessage: the structure parser's limits. */
export type ParseMessageOptions = MimeParseLimits;

/**
 * Parses a message from a buffer or a stream of buffers (e.g. fs.createReadStream). Memory use is
 * bounded by the header and line limits, never by the message size. Never throws on malformed
 * mail; only errors of the source stream itself propagate.
 */
export async function parseMessage(source: AsyncIterable<Buffer> | Buffer, opts: ParseMessageOptions = {}): Promise<ParsedMessage> {
  const parser = new MimeStructureParser(opts);
  if (Buffer.isBuffer(source)) {
    parser.push(source);
  } else {
    for await (const chunk of source) {
      parser.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    }
  }
  const { root, envelope, size, lines } = parser.finish();
  return { size, lines, headerSize: root.headerEnd - root.headerStart, root, envelope };
}

/** Synchronous variant for a message already in memory. */
export function parseMessageSync(source: Buffer, opts: ParseMessageOptions = {}): ParsedMessage {
  const parser = new MimeStructureParser(opts);
  parser.push(source);
  const { root, envelope, size, lines } = parser.finish();
  return { size, lines, headerSize: root.headerEnd - root.headerStart, root, envelope };
}
