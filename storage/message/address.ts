// RFC 5322 address lists for the envelope (RFC 3501 §7.4.2), lenient as mail readers are:
// display names and local parts stay raw (encoded-words not decoded), groups become a start
// marker, their members and an end marker, a comment serves as name when there is no phrase,
// and pieces that make no sense are kept rather than thrown away. Never throws.

import type { Address } from './types.js';

type Token =
  | { kind: 'atom' | 'quoted' | 'literal'; text: string; spaceBefore: boolean }
  | { kind: 'comment'; text: string; spaceBefore: boolean }
  | { kind: 'special'; text: string; spaceBefore: boolean };

const SPECIALS = new Set(['<', '>', '@', ',', ':', ';', '.']);
/** Characters that end an atom. */
const ATOM_END = new Set([' ', '\t', '\r', '\n', '"', '(', ')', '[', ']', '<', '>', '@', ',', ':', ';', '.']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let space = false;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      space = true;
      i++;
      continue;
    }
    if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        if (input[i] !== '\r' && input[i] !== '\n') text += input[i];
        i++;
      }
      i++;
      tokens.push({ kind: 'quoted', text, spaceBefore: space });
    } else if (c === '(') {
      let depth = 1;
      let text = '';
      i++;
      while (i < input.length && depth > 0) {
        const d = input[i];
        if (d === '\\' && i + 1 < input.length) {
          text += input[i + 1];
          i += 2;
          continue;
        }
        if (d === '(') depth++;
        if (d === ')') depth--;
        if (depth > 0 && d !== '\r' && d !== '\n') text += d;
        i++;
      }
      tokens.push({ kind: 'comment', text: text.trim(), spaceBefore: space });
    } else if (c === '[') {
      const end = input.indexOf(']', i);
      const stop = end === -1 ? input.length : end + 1;
      tokens.push({ kind: 'literal', text: input.slice(i, stop), spaceBefore: space });
      i = stop;
    } else if (SPECIALS.has(c)) {
      tokens.push({ kind: 'special', text: c, spaceBefore: space });
      i++;
    } else if (c === ')' || c === ']') {
      i++; // stray closer: ignore
    } else {
      let j = i;
      while (j < input.length && !ATOM_END.has(input[j])) j++;
      tokens.push({ kind: 'atom', text: input.slice(i, j), spaceBefore: space });
      i = j;
    }
    space = false;
  }
  return tokens;
}

/** Joins phrase tokens: quoted strings unquoted, one space where the source had whitespace. */
function phrase(tokens: readonly Token[]): string | null {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    if (out.length > 0 && t.spaceBefore) out += ' ';
    out += t.text;
  }
  return out.length > 0 ? out : null;
}

/** Joins addr-spec tokens; quoted local parts lose their quotes and escapes (as Dovecot). */
function spec(tokens: readonly Token[]): string {
  return tokens
    .filter((t) => t.kind !== 'comment')
    .map((t) => t.text)
    .join('');
}

function splitAddrSpec(tokens: readonly Token[]): { mailbox: string; host: string } {
  const at = tokens.map((t) => t.kind === 'special' && t.text === '@').lastIndexOf(true);
  const local = at === -1 ? spec(tokens) : spec(tokens.slice(0, at));
  const domain = at === -1 ? '' : spec(tokens.slice(at + 1));
  return { mailbox: local || MISSING_MAILBOX, host: domain || MISSING_DOMAIN };
}

/** Dovecot's placeholders for a missing local part or domain (a NIL host would mean a group). */
export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';

/** Parses an address list into envelope entries; null when the list holds no address at all. */
export function parseAddressList(raw: string): Address[] | null {
  const tokens = tokenize(raw);
  const out: Address[] = [];
  let inGroup = false;
  let pending: Token[] = [];

  // an element that was already emitted (angle address, group end) is not empty at its comma
  let emitted = false;
  const flushPlain = (atComma: boolean): void => {
    const words = pending.filter((t) => t.kind !== 'comment');
    const hasAt = words.some((t) => t.kind === 'special' && t.text === '@');
    const commentAfter = words.length > 0 && pending.slice(pending.indexOf(words[0]) + 1).some((t) => t.kind === 'comment' && t.text.length > 0);
    if (words.length > 0 && !hasAt && !commentAfter && words[0].kind === 'quoted') {
      // a lone quoted string is a display name without address (as Dovecot reads it)
      out.push({ name: phrase(words), adl: null, mailbox: MISSING_MAILBOX, host: MISSING_DOMAIN });
    } else if (words.length > 0) {
      const { mailbox, host } = splitAddrSpec(words);
      // a comment after the address serves as its name (Dovecot ignores one before it)
      const first = pending.indexOf(words[0]);
      const comment = pending.slice(first).find((t) => t.kind === 'comment' && t.text.length > 0);
      out.push({ name: comment ? comment.text : null, adl: null, mailbox, host });
    } else if (atComma && !emitted) {
      // an empty element ("a@b,,c@d") is reported, not dropped (as Dovecot)
      out.push({ name: null, adl: null, mailbox: MISSING_MAILBOX, host: MISSING_DOMAIN });
    }
    pending = [];
    emitted = false;
  };

  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (t.kind === 'special' && t.text === ':' && !inGroup) {
      out.push({ name: null, adl: null, mailbox: phrase(pending) ?? '', host: null });
      pending = [];
      inGroup = true;
      i++;
    } else if (t.kind === 'special' && t.text === '<') {
      const name = phrase(pending);
      pending = [];
      let j = i + 1;
      const inner: Token[] = [];
      while (j < tokens.length && !(tokens[j].kind === 'special' && tokens[j].text === '>')) {
        inner.push(tokens[j]);
        j++;
      }
      i = j + 1;
      let adl: string | null = null;
      let addr = inner.filter((x) => x.kind !== 'comment');
      const colon = addr.findIndex((x) => x.kind === 'special' && x.text === ':');
      if (colon !== -1 && addr[0]?.kind === 'special' && addr[0].text === '@') {
        adl = spec(addr.slice(0, colon));
        addr = addr.slice(colon + 1);
      }
      const { mailbox, host } = splitAddrSpec(addr);
      out.push({ name, adl, mailbox, host });
      emitted = true;
      // anything up to the next separator (comments, junk) is dropped
      while (i < tokens.length && !(tokens[i].kind === 'special' && (tokens[i].text === ',' || tokens[i].text === ';'))) i++;
    } else if (t.kind === 'special' && t.text === ',') {
      flushPlain(true);
      i++;
    } else if (t.kind === 'special' && t.text === ';') {
      flushPlain(false);
      if (inGroup) {
        out.push({ name: null, adl: null, mailbox: null, host: null });
        inGroup = false;
      }
      emitted = true;
      i++;
    } else {
      pending.push(t);
      i++;
    }
  }
  flushPlain(false);
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out.length > 0 ? out : null;
}
