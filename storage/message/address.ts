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
      while (j < input.length && !/[\s"()[\]<>@,:;.]/.test(input[j])) j++;
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

/** Joins addr-spec tokens as written (quoted local parts keep their quotes). */
function spec(tokens: readonly Token[]): string {
  return tokens
    .filter((t) => t.kind !== 'comment')
    .map((t) => (t.kind === 'quoted' ? `"${t.text.replace(/(["\\])/g, '\\$1')}"` : t.text))
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

  const flushPlain = (): void => {
    const words = pending.filter((t) => t.kind !== 'comment');
    if (words.length > 0) {
      const { mailbox, host } = splitAddrSpec(words);
      const comment = pending.find((t) => t.kind === 'comment' && t.text.length > 0);
      out.push({ name: comment ? comment.text : null, adl: null, mailbox, host });
    }
    pending = [];
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
      // anything up to the next separator (comments, junk) is dropped
      while (i < tokens.length && !(tokens[i].kind === 'special' && (tokens[i].text === ',' || tokens[i].text === ';'))) i++;
    } else if (t.kind === 'special' && t.text === ',') {
      flushPlain();
      i++;
    } else if (t.kind === 'special' && t.text === ';') {
      flushPlain();
      if (inGroup) {
        out.push({ name: null, adl: null, mailbox: null, host: null });
        inGroup = false;
      }
      i++;
    } else {
      pending.push(t);
      i++;
    }
  }
  flushPlain();
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out.length > 0 ? out : null;
}
