// FETCH arguments (RFC 3501 §6.4.5, RFC 3516 BINARY): attributes, macros, section specs, partials.

import type { Cursor } from './cursor.js';
import { parseSequenceSet } from './sequence-set.js';
import type { FetchArgs, FetchItem, FetchSimpleName, Partial, Section, SectionText } from './types.js';

const SIMPLE = new Set<string>([
  'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'UID', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT',
]);

const MACROS: Record<'ALL' | 'FAST' | 'FULL', FetchSimpleName[]> = {
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

function isNameChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** section-part = nz-number *("." nz-number); stops before a "." that does not lead to a digit. */
function sectionPart(cur: Cursor): number[] {
  const part = [cur.nzNumber('a part number')];
  while (cur.peek() === 0x2e && isDigit(cur.peek(1))) {
    cur.pos++;
    part.push(cur.nzNumber('a part number'));
  }
  return part;
}

/** section = "[" [section-spec] "]". */
export function parseSection(cur: Cursor): Section {
  cur.expectChar('[');
  const section: Section = { part: [] };
  if (cur.tryChar(']')) return section;
  if (isDigit(cur.peek())) {
    section.part = sectionPart(cur);
    if (cur.tryChar(']')) return section;
    cur.expectChar('.', '"." or "]" in the section');
  }
  const text = cur.chars(isNameChar, 'a section text').toUpperCase();
  switch (text) {
    case 'HEADER':
    case 'TEXT':
      break;
    case 'MIME':
      if (section.part.length === 0) cur.fail('MIME needs a part number: BODY[1.MIME]');
      break;
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT': {
      cur.sp();
      cur.enter();
      const fields = [cur.astring('a header field name').toUpperCase()];
      while (cur.trySp()) fields.push(cur.astring('a header field name').toUpperCase());
      cur.leave();
      section.fields = fields;
      break;
    }
    default:
      cur.fail(`Unknown section ${text}`);
  }
  section.text = text as SectionText;
  cur.expectChar(']', '"]" closing the section');
  return section;
}

function parsePartial(cur: Cursor): Partial | undefined {
  if (!cur.tryChar('<')) return undefined;
  const offset = cur.number('a partial offset');
  cur.expectChar('.', '"." in the partial range <offset.length>');
  const length = cur.nzNumber('a partial length');
  cur.expectChar('>', '">" closing the partial range');
  return { offset, length };
}

/** section-binary = "[" [section-part] "]". */
function parseBinarySection(cur: Cursor): number[] {
  cur.expectChar('[');
  if (cur.tryChar(']')) return [];
  const part = sectionPart(cur);
  cur.expectChar(']', '"]" closing the binary section');
  return part;
}

/** One fetch-att. */
export function parseFetchItem(cur: Cursor): FetchItem {
  const name = cur.chars(isNameChar, 'a fetch attribute').toUpperCase();
  if (cur.peek() === 0x5b) {
    switch (name) {
      case 'BODY':
      case 'BODY.PEEK': {
        const section = parseSection(cur);
        const partial = parsePartial(cur);
        return { type: 'BODY[]', peek: name === 'BODY.PEEK', section, ...(partial ? { partial } : {}) };
      }
      case 'BINARY':
      case 'BINARY.PEEK': {
        const part = parseBinarySection(cur);
        const partial = parsePartial(cur);
        return { type: 'BINARY[]', peek: name === 'BINARY.PEEK', part, ...(partial ? { partial } : {}) };
      }
      case 'BINARY.SIZE':
        return { type: 'BINARY.SIZE', part: parseBinarySection(cur) };
      default:
        return cur.fail(`${name} takes no section`);
    }
  }
  if (SIMPLE.has(name)) return { type: name as FetchSimpleName };
  if (name === 'BODY.PEEK' || name.startsWith('BINARY')) cur.fail(`${name} needs a section, e.g. ${name}[]`);
  return cur.fail(`Unknown fetch attribute ${name}`);
}

/** fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"). */
export function parseFetchArgs(cur: Cursor): FetchArgs {
  cur.sp();
  const set = parseSequenceSet(cur);
  cur.sp();
  let args: FetchArgs;
  if (cur.peek() === 0x28) {
    cur.enter();
    const items = [parseFetchItem(cur)];
    while (cur.trySp()) items.push(parseFetchItem(cur));
    cur.leave();
    args = { set, items };
  } else {
    const save = cur.pos;
    const word = cur.chars(isNameChar, 'a fetch attribute').toUpperCase();
    if (word === 'ALL' || word === 'FAST' || word === 'FULL') {
      args = { set, items: MACROS[word].map((type) => ({ type })), macro: word };
    } else {
      cur.pos = save;
      args = { set, items: [parseFetchItem(cur)] };
    }
  }
  if (!cur.atEnd()) cur.fail(`Unexpected extra arguments${cur.near()} (fetch modifiers are not supported)`);
  return args;
}
