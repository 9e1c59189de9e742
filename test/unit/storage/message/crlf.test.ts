// The CRLF normalizer and crlfSize.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCrlfNormalizer, crlfSize } from '../../../../storage/message/crlf.js';
import { chunked, fixture, fixtureNames, toCrlf } from './fixtures.js';

async function normalize(input: Buffer, chunkSize: number): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunked(input, chunkSize)), createCrlfNormalizer(), async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) out.push(c);
  });
  return Buffer.concat(out);
}

const TRICKY = Buffer.from('a\nb\r\nc\rd\r\r\ne\n\n\r\r\n\rf\r', 'latin1');
const TRICKY_CRLF = Buffer.from('a\r\nb\r\nc\rd\r\r\ne\r\n\r\n\r\r\n\rf\r', 'latin1');

test('lone LF becomes CRLF, CRLF stays, lone CR stays', async () => {
  assert.deepEqual(await normalize(TRICKY, 1024), TRICKY_CRLF);
});

test('output is identical when fed in chunks of 1, 2, 3, 7 and 64 bytes', async () => {
  const inputs = [TRICKY, ...(await Promise.all((await fixtureNames()).map((n) => fixture(n))))];
  for (const input of inputs) {
    const whole = await normalize(input, input.length || 1);
    for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(await normalize(input, size), whole, `chunks of ${size}`);
  }
});

test('a CR at the end of a chunk followed by LF in the next gives one CRLF', async () => {
  assert.deepEqual(await normalize(Buffer.from('x\r\ny'), 2), Buffer.from('x\r\ny'));
  assert.deepEqual(await normalize(Buffer.from('x\r'), 2), Buffer.from('x\r'));
});

test('crlfSize matches the normalized length for buffers and streams of any chunking', async () => {
  assert.equal(await crlfSize(TRICKY), TRICKY_CRLF.length);
  for (const size of [1, 2, 3, 7, 64]) assert.equal(await crlfSize(chunked(TRICKY, size)), TRICKY_CRLF.length);
  assert.equal(await crlfSize(Buffer.alloc(0)), 0);
});

test('the normalizer output equals the CRLF form the structure offsets refer to', async () => {
  for (const name of await fixtureNames()) {
    const raw = await fixture(name);
    assert.deepEqual(await normalize(raw, 7), toCrlf(raw), name);
  }
});
