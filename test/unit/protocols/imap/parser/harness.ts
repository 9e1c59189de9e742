// Test helpers: drive an ImapParser like a session would, feeding input whole or in fixed-size chunks.

import { ImapParser } from '../../../../../protocols/imap/parser/parser.js';
import type { ImapParserOptions } from '../../../../../protocols/imap/parser/parser.js';
import type { ParserEvent } from '../../../../../protocols/imap/parser/types.js';

/** An event as compared by tests: literal-data chunks are merged and given as text. */
export type Observed = Exclude<ParserEvent, { kind: 'need-more' } | { kind: 'literal-data' }> | { kind: 'literal-data'; data: string };

export const DEFAULT_OPTIONS: ImapParserOptions = { maxLineBytes: 8192, maxLiteralBytes: 1 << 20, maxNesting: 16, literalPlus: true };

/** What the fake session does on an event: e.g. reject a literal, or ask for a raw line. */
export type Hook = (event: ParserEvent, parser: ImapParser) => void;

/** Feeds `input` in chunks of `chunkSize` (0 = whole) and returns the observed events. */
export function run(input: Buffer | string, chunkSize = 0, options: Partial<ImapParserOptions> = {}, hook?: Hook): Observed[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const parser = new ImapParser({ ...DEFAULT_OPTIONS, ...options });
  const out: Observed[] = [];
  const step = chunkSize > 0 ? chunkSize : Math.max(1, bytes.length);
  for (let i = 0; i < bytes.length; i += step) {
    parser.feed(bytes.subarray(i, i + step));
    for (;;) {
      const ev = parser.next();
      if (ev.kind === 'need-more') break;
      hook?.(ev, parser);
      if (ev.kind === 'literal-data') {
        const last = out[out.length - 1];
        if (last && last.kind === 'literal-data') last.data += ev.chunk.toString('latin1');
        else out.push({ kind: 'literal-data', data: ev.chunk.toString('latin1') });
      } else {
        out.push(ev);
      }
    }
  }
  return out;
}

/** Chunk sizes every input is fed with: whole, then 1, 2, 4 … 512 bytes. */
export const CHUNK_SIZES = [0, 1, 2, 3, 4, 8, 16, 32, 64, 128, 256, 512];

/** Runs with every chunk size and returns the result, failing if any chunking differs from feeding it whole. */
export function runAllChunkings(input: Buffer | string, options: Partial<ImapParserOptions> = {}, hook?: Hook): Observed[] {
  const whole = run(input, 0, options, hook);
  const expected = JSON.stringify(whole);
  for (const size of CHUNK_SIZES.slice(1)) {
    const got = JSON.stringify(run(input, size, options, hook));
    if (got !== expected) {
      throw new Error(`chunk size ${size} gave different events:\n${got}\nwhole input gave:\n${expected}`);
    }
  }
  return whole;
}
