// encodeString: atom / quoted / literal choice, byte for byte, checked against our parser and imapflow's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parser as imapflowParser } from 'imapflow/lib/handler/imap-handler.js';
import { encodeAstring, encodeLiteral, encodeString, literalPrefix } from '../../../../../protocols/imap/encode/string.js';
import { run } from '../parser/harness.js';

const cases: Array<{ name: string; value: Buffer | string | null; options?: Parameters<typeof encodeString>[1]; wire: string }> = [
  { name: 'null is NIL', value: null, wire: 'NIL' },
  { name: 'plain text is quoted by default', value: 'INBOX', wire: '"INBOX"' },
  { name: 'astring positions use an atom', value: 'INBOX', options: { atom: true }, wire: 'INBOX' },
  { name: 'the word NIL is never an atom', value: 'nil', options: { atom: true }, wire: '"nil"' },
  { name: 'empty string is quoted', value: '', options: { atom: true }, wire: '""' },
  { name: 'space forces quoting', value: 'Sent Items', options: { atom: true }, wire: '"Sent Items"' },
  { name: 'wildcards and brackets force quoting', value: 'a*b%c]', options: { atom: true }, wire: '"a*b%c]"' },
  { name: 'parentheses and braces force quoting', value: 'a(b){c}', options: { atom: true }, wire: '"a(b){c}"' },
  { name: 'quote and backslash are escaped', value: 'say "hi" \\o/', wire: '"say \\"hi\\" \\\\o/"' },
  { name: 'CR needs a literal', value: 'a\rb', wire: '{3}\r\na\rb' },
  { name: 'LF needs a literal', value: 'a\nb', wire: '{3}\r\na\nb' },
  { name: 'CRLF text needs a literal', value: 'line1\r\nline2', wire: '{12}\r\nline1\r\nline2' },
  { name: '8-bit needs a literal', value: Buffer.from([0x61, 0xe9]), wire: '{2}\r\na\xe9' },
  { name: 'UTF-8 is quoted once UTF8=ACCEPT is enabled', value: 'Entwürfe', options: { utf8: true }, wire: Buffer.from('"Entwürfe"', 'utf8').toString('latin1') },
  { name: 'invalid UTF-8 stays a literal even with UTF8=ACCEPT', value: Buffer.from([0xff, 0x41]), options: { utf8: true }, wire: '{2}\r\n\xffA' },
  { name: 'NUL becomes 0x80 in a plain literal', value: Buffer.from([0x61, 0x00, 0x62]), wire: '{3}\r\na\x80b' },
  { name: 'NUL is kept in a literal8 where BINARY allows it', value: Buffer.from([0x61, 0x00, 0x62]), options: { binary: true }, wire: '~{3}\r\na\x00b' },
  { name: 'long text becomes a literal', value: 'x'.repeat(1025), wire: `{1025}\r\n${'x'.repeat(1025)}` },
  { name: 'text at the quoting limit stays quoted', value: 'x'.repeat(1024), wire: `"${'x'.repeat(1024)}"` },
  { name: 'the quoting limit is a parameter', value: 'abcdef', options: { maxQuoted: 4 }, wire: '{6}\r\nabcdef' },
];

for (const c of cases) {
  test(`encodeString: ${c.name}`, () => {
    assert.equal(encodeString(c.value, c.options).toString('latin1'), c.wire);
  });
}

test('encodeAstring uses an atom when it can', () => {
  assert.equal(encodeAstring('Drafts').toString(), 'Drafts');
  assert.equal(encodeAstring('a b').toString(), '"a b"');
});

test('literalPrefix announces a streamed body', () => {
  assert.equal(literalPrefix(52428800).toString(), '{52428800}\r\n');
  assert.equal(literalPrefix(7, true).toString(), '~{7}\r\n');
  assert.throws(() => literalPrefix(-1), /Invalid literal size/);
});

test('encodeLiteral writes {n}CRLF or ~{n}CRLF and the bytes', () => {
  assert.equal(encodeLiteral(Buffer.from('abc')).toString(), '{3}\r\nabc');
  assert.equal(encodeLiteral(Buffer.alloc(0), true).toString(), '~{0}\r\n');
});

/** Deterministic pseudo-random generator so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '(', ')', '{', '}', '*', '%', ']', '[', '\r', '\n', '\t', '~', '+', 'é', '€', 'NIL'];

function randomStrings(count: number): string[] {
  const r = rng(7);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = Math.floor(r() * 12);
    let s = '';
    for (let j = 0; j < len; j++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
    out.push(s);
  }
  return out;
}

test('every encoded string reads back identically through our parser', () => {
  for (const s of randomStrings(400)) {
    for (const atom of [false, true]) {
      const enc = encodeString(s, { atom });
      const events = run(Buffer.concat([Buffer.from('a LOGIN '), enc, Buffer.from(' x\r\n')]));
      const ev = events.find((e) => e.kind === 'command' || e.kind === 'error');
      assert.ok(ev && ev.kind === 'command' && ev.command.name === 'LOGIN', `${JSON.stringify(s)} → ${enc.toString('latin1')}: ${JSON.stringify(ev)}`);
      assert.equal(ev.command.args.username, s, JSON.stringify(s));
    }
  }
});

test('every encoded ASCII string reads back identically through imapflow\'s response parser', async () => {
  // imapflow's parser takes responses as text, so only ASCII (including CR, LF, quotes, backslashes) is compared.
  for (const s of randomStrings(400).filter((x) => !/[^\x00-\x7f]/.test(x))) {
    const enc = encodeString(s);
    const parsed = await imapflowParser(Buffer.concat([Buffer.from('* 1 FETCH (X '), enc, Buffer.from(')')]));
    const attrs = parsed.attributes as unknown as [unknown, Array<{ value: unknown }>];
    const value = attrs[1][1].value;
    assert.equal(Buffer.isBuffer(value) ? value.toString('latin1') : value, s, `${JSON.stringify(s)} → ${enc.toString('latin1')}`);
  }
});
