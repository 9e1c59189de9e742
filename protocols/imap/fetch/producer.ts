// The FETCH response producer (RFC 3501 §7.4.2): one `* n FETCH (…)` per message, items in the
// order asked, body sections streamed as literals with backpressure (never a whole large message
// in memory). Everything that may fail (structure, header fields, BINARY decoding) is resolved
// before the first byte of the response, so a failure never leaves half a response on the wire;
// a read error in the middle of a literal is padded by the writer to keep the stream in sync.

import type { Readable } from 'node:stream';
import { dateTime, flagList } from '../encode/response.js';
import { encodeAstring } from '../encode/string.js';
import type { StringOptions } from '../encode/string.js';
import type { MessageInfo } from '../../../storage/types.js';
import { flagNames } from '../updates.js';
import type { FetchItem, Section } from '../parser/types.js';
import { encodeBodyStructure, encodeEnvelope } from './body-structure.js';
import { bodySection, FetchMessage } from './section.js';
import type { SectionContent } from './section.js';
import { binarySection, binarySize } from './binary.js';
import type { BinaryCache } from './binary.js';

/** What the producer needs of the connection (the session's write API fits). */
export interface FetchWriter {
  write(data: Buffer | string): boolean;
  flush(): Promise<void>;
  writeLiteral(size: number, source: Readable | AsyncIterable<Buffer>, binary?: boolean): Promise<void>;
}

/** Options of one FETCH response. */
export interface FetchResponseOptions {
  stringOptions: StringOptions;
  /** Send FLAGS first even if not asked (the message was just marked \Seen by this fetch). */
  flagsChanged: boolean;
  /** Zone of INTERNALDATE, minutes east of UTC: fixed, or per instant (the server's local zone with its DST). */
  zoneOffsetMinutes: number | ((ms: number) => number);
}

/** The FLAGS list of a message: system flags, \Recent, then keywords (as untagged updates write it). */
export function messageFlags(info: MessageInfo): Buffer {
  return flagList(flagNames(info.flags, info.keywords, info.recent));
}

/** The section spec as echoed in the response: `1.2.HEADER.FIELDS (FROM TO)`. */
export function sectionName(section: Section): string {
  const pieces: string[] = [];
  if (section.part.length > 0) pieces.push(section.part.join('.'));
  if (section.text) {
    let text: string = section.text;
    if (section.fields) text += ` (${section.fields.map((f) => encodeAstring(f).toString('latin1')).join(' ')})`;
    pieces.push(text);
  }
  return pieces.join('.');
}

/** True when fetching this item sets \Seen (RFC 3501 §6.4.5: BODY[], RFC822, RFC822.TEXT, BINARY[]). */
export function setsSeen(item: FetchItem): boolean {
  return ((item.type === 'BODY[]' || item.type === 'BINARY[]') && !item.peek) || item.type === 'RFC822' || item.type === 'RFC822.TEXT';
}

type Piece = Buffer | { literal: SectionContent };

async function itemPieces(item: FetchItem, msg: FetchMessage, options: FetchResponseOptions, cache: BinaryCache): Promise<Piece[]> {
  const info = msg.info;
  const lit = (name: string, content: SectionContent): Piece[] => [Buffer.from(`${name} `), { literal: content }];
  switch (item.type) {
    case 'FLAGS':
      return [Buffer.concat([Buffer.from('FLAGS '), messageFlags(info)])];
    case 'UID':
      return [Buffer.from(`UID ${info.uid}`)];
    case 'RFC822.SIZE':
      return [Buffer.from(`RFC822.SIZE ${info.size}`)];
    case 'INTERNALDATE':
      return [Buffer.concat([Buffer.from('INTERNALDATE '), dateTime(new Date(info.internalDate), typeof options.zoneOffsetMinutes === 'number' ? options.zoneOffsetMinutes : options.zoneOffsetMinutes(info.internalDate))])];
    case 'ENVELOPE':
      return [Buffer.concat([Buffer.from('ENVELOPE '), encodeEnvelope((await msg.structure()).envelope, options.stringOptions)])];
    case 'BODY':
      return [Buffer.concat([Buffer.from('BODY '), encodeBodyStructure((await msg.structure()).root, false, options.stringOptions)])];
    case 'BODYSTRUCTURE':
      return [Buffer.concat([Buffer.from('BODYSTRUCTURE '), encodeBodyStructure((await msg.structure()).root, true, options.stringOptions)])];
    case 'RFC822':
      return lit('RFC822', await bodySection(msg, { part: [] }));
    case 'RFC822.HEADER':
      return lit('RFC822.HEADER', await bodySection(msg, { part: [], text: 'HEADER' }));
    case 'RFC822.TEXT':
      return lit('RFC822.TEXT', await bodySection(msg, { part: [], text: 'TEXT' }));
    case 'BODY[]': {
      const origin = item.partial ? `<${item.partial.offset}>` : '';
      return lit(`BODY[${sectionName(item.section)}]${origin}`, await bodySection(msg, item.section, item.partial));
    }
    case 'BINARY[]': {
      const origin = item.partial ? `<${item.partial.offset}>` : '';
      return lit(`BINARY[${item.part.join('.')}]${origin}`, await binarySection(msg, item.part, item.partial, cache));
    }
    case 'BINARY.SIZE':
      return [Buffer.from(`BINARY.SIZE[${item.part.join('.')}] ${await binarySize(msg, item.part, cache)}`)];
  }
}

type Opened = Buffer | { size: number; binary: boolean; source: Readable | AsyncIterable<Buffer> };

function destroy(source: Readable | AsyncIterable<Buffer>): void {
  if ('destroy' in source && typeof source.destroy === 'function') source.destroy();
}

/**
 * Writes `* seq FETCH (…)` CRLF for one message. Everything, the literal streams included, is
 * opened before the first byte is written, so a message that is gone (MailError Expunged) or a
 * part we cannot decode (UnknownCteError) throws with nothing written; an open file stays
 * readable on Unix even if another process removes it meanwhile.
 */
export async function writeFetchResponse(writer: FetchWriter, msg: FetchMessage, seq: number, items: readonly FetchItem[], options: FetchResponseOptions): Promise<void> {
  const cache: BinaryCache = new Map();
  const list = options.flagsChanged && !items.some((i) => i.type === 'FLAGS') ? [{ type: 'FLAGS' } as FetchItem, ...items] : items;
  const opened: Opened[][] = [];
  try {
    for (const item of list) {
      const row: Opened[] = [];
      opened.push(row);
      for (const p of await itemPieces(item, msg, options, cache)) {
        row.push(Buffer.isBuffer(p) ? p : { size: p.literal.size, binary: p.literal.binary, source: await p.literal.open() });
      }
    }
  } catch (err) {
    for (const row of opened) for (const p of row) if (!Buffer.isBuffer(p)) destroy(p.source);
    throw err;
  }
  if (!writer.write(`* ${seq} FETCH (`)) await writer.flush();
  for (let i = 0; i < opened.length; i++) {
    if (i > 0) writer.write(' ');
    for (const p of opened[i]) {
      if (Buffer.isBuffer(p)) {
        if (!writer.write(p)) await writer.flush();
      } else {
        await writer.writeLiteral(p.size, guarded(p.source), p.binary);
      }
    }
  }
  if (!writer.write(')\r\n')) await writer.flush();
}

/** A read error in the middle of a literal ends it early; the writer pads to the announced size. */
async function* guarded(source: Readable | AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) yield chunk;
  } catch {
    // the bytes could not be read any more: the writer keeps the stream in sync
  } finally {
    destroy(source);
  }
}
