// Test helpers: parse fetch items with the real parser, and a FetchWriter that collects bytes
// (literals padded or cut to their announced size, as the session's writer does).

import type { Readable } from 'node:stream';
import { ImapParser } from '../../../../../protocols/imap/parser/parser.js';
import type { FetchItem } from '../../../../../protocols/imap/parser/types.js';
import type { FetchWriter } from '../../../../../protocols/imap/fetch/producer.js';

/** The items of `FETCH 1 (<text>)` as our parser reads them. */
export function fetchItems(text: string): FetchItem[] {
  const parser = new ImapParser({ maxLineBytes: 65536, maxLiteralBytes: 1 << 20, maxNesting: 16, literalPlus: true });
  parser.feed(Buffer.from(`a FETCH 1 (${text})\r\n`));
  const ev = parser.next();
  if (ev.kind !== 'command' || ev.command.name !== 'FETCH') throw new Error(`not a FETCH: ${JSON.stringify(ev)}`);
  return ev.command.args.items;
}

/** Collects everything written. */
export class CollectingWriter implements FetchWriter {
  readonly chunks: Buffer[] = [];
  literals = 0;
  largestChunk = 0;

  write(data: Buffer | string): boolean {
    this.chunks.push(Buffer.from(data));
    return true;
  }

  async flush(): Promise<void> {}

  async writeLiteral(size: number, source: Readable | AsyncIterable<Buffer>, binary = false): Promise<void> {
    this.literals++;
    this.chunks.push(Buffer.from(`${binary ? '~' : ''}{${size}}\r\n`));
    let left = size;
    for await (const c of source as AsyncIterable<Buffer>) {
      this.largestChunk = Math.max(this.largestChunk, c.length);
      const take = c.subarray(0, Math.max(0, left));
      this.chunks.push(Buffer.from(take));
      left -= take.length;
    }
    if (left > 0) this.chunks.push(Buffer.alloc(left, 0x20));
  }

  take(): Buffer {
    const out = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return out;
  }
}
