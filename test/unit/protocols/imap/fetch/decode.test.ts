// The streaming transfer-encoding decoders on ImapTest's BINARY messages (fetch-binary-mime-qp,
// fetch-binary-mime-base64: the sizes and bytes Dovecot gives), fed in chunks of 1 … 512 bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Base64Decoder, QuotedPrintableDecoder, decoderFor } from '../../../../../protocols/imap/fetch/decode.js';
import type { Transform } from 'node:stream';

const CHUNKS = [1, 2, 3, 4, 5, 7, 16, 64, 512];

async function decode(make: () => Transform, input: Buffer, chunk: number): Promise<Buffer> {
  const t = make();
  const out: Buffer[] = [];
  t.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    t.on('end', resolve);
    t.on('error', reject);
  });
  for (let i = 0; i < input.length; i += chunk) t.write(input.subarray(i, i + chunk));
  t.end();
  await done;
  return Buffer.concat(out);
}

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');

test('quoted-printable: soft breaks, transport padding, hex pairs, as ImapTest expects (65 bytes)', async () => {
  // the body of part 1 of fetch-binary-mime-qp.mbox (the CRLF before the boundary excluded)
  const body = crlf('hello  \nbar=\n\nfoo\t=\nbar\nfoo\t \t= \n=62\nfoo = \t\nbar\nfoo =\n=62\nfoo  \nbar=\n\nfoo_bar\n');
  const expected = crlf('hello\nbar\nfoo\tbar\nfoo\t \tb\nfoo bar\nfoo b\nfoo\nbar\nfoo_bar\n');
  assert.equal(expected.length, 65);
  for (const n of CHUNKS) assert.deepEqual(await decode(() => new QuotedPrintableDecoder(), body, n), expected, `chunks of ${n}`);
});

test('quoted-printable: a stray "=" and bad hex are kept, a last line without line end gets none', async () => {
  const body = Buffer.from('a=zz b=4\r\n=3d=3D=\r\nend');
  for (const n of CHUNKS) assert.equal((await decode(() => new QuotedPrintableDecoder(), body, n)).toString('latin1'), 'a=zz b=4\r\n==end', `chunks of ${n}`);
});

test('base64: whitespace anywhere, padding ends the data, sizes 11/11/16/18/30 as ImapTest expects', async () => {
  const parts: [string, string][] = [
    ['\naGVs\nbG8gd29y\nbGQ=\n', 'hello world'],
    ['  aGVs    \n bG8g  \n   d29y  \t \n    bGQ= \n\n', 'hello world'],
    ['aGVsbG8g\ndG8geW91IHRv\nbw==\n', 'hello to you too'],
    ['aGVsbG8gdG8gZXZlcnlvbmUh', 'hello to everyone!'],
    ['YWJjZGVmZw1oaWprbA0KbW5vCnBxcnN0dXZxeHl6\n', 'abcdefg\rhijkl\r\nmno\npqrstuvqxyz'],
  ];
  for (const [encoded, text] of parts) {
    for (const n of CHUNKS) assert.equal((await decode(() => new Base64Decoder(), crlf(encoded), n)).toString('latin1'), text, `chunks of ${n}`);
  }
  assert.deepEqual(
    parts.map(([, t]) => t.length),
    [11, 11, 16, 18, 30],
  );
});

test('base64 with junk after the padding and binary output', async () => {
  const data = Buffer.from([0, 1, 2, 250, 251, 252, 253]);
  const encoded = Buffer.from(`${data.toString('base64')}\r\n-- trailing junk ==\r\n`);
  for (const n of CHUNKS) assert.deepEqual(await decode(() => new Base64Decoder(), encoded, n), data, `chunks of ${n}`);
});

test('decoderFor: base64 and QP decode, identity encodings pass, others are unknown', () => {
  assert.ok(decoderFor('BASE64') instanceof Base64Decoder);
  assert.ok(decoderFor('Quoted-Printable') instanceof QuotedPrintableDecoder);
  for (const e of ['7bit', '8bit', 'binary', '']) assert.equal(decoderFor(e), null);
  assert.equal(decoderFor('x-uuencode'), undefined);
});
