// Streamed output of the IMAP session (protocols/imap/output.ts): backpressure and exact literals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { literalTo, streamTo, type OutputSink } from '../../../../protocols/imap/output.js';

/** A sink that refuses more after `high` bytes until flushed, recording everything. */
function sink(high = 4): OutputSink & { closed: boolean; data: () => string; flushes: number } {
  const parts: Buffer[] = [];
  let pending = 0;
  const s = {
    closed: false,
    flushes: 0,
    write(d: Buffer | string) {
      const b = Buffer.from(d);
      parts.push(b);
      pending += b.length;
      return pending < high;
    },
    flush() {
      s.flushes++;
      pending = 0;
      return Promise.resolve();
    },
    data: () => Buffer.concat(parts).toString('latin1'),
  };
  return s;
}

test('streamTo copies every chunk and waits for drains', async () => {
  const s = sink(4);
  const n = await streamTo(s, Readable.from([Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ij')]));
  assert.equal(n, 10);
  assert.equal(s.data(), 'abcdefghij');
  assert.ok(s.flushes >= 1);
});

test('literalTo sends exactly the announced size: cuts extra bytes, pads missing ones', async () => {
  const exact = sink(100);
  assert.equal(await literalTo(exact, 5, Readable.from([Buffer.from('hel'), Buffer.from('lo')])), 5);
  assert.equal(exact.data(), '{5}\r\nhello');
  const long = sink(100);
  assert.equal(await literalTo(long, 3, Readable.from([Buffer.from('hello')])), 5);
  assert.equal(long.data(), '{3}\r\nhel');
  const short = sink(100);
  assert.equal(await literalTo(short, 6, Readable.from([Buffer.from('hi')]), true), 2);
  assert.equal(short.data(), '~{6}\r\nhi    ');
});

test('a closed client stops the copy and the source is destroyed', async () => {
  const s = sink(100);
  const source = new PassThrough();
  source.write(Buffer.from('abc'));
  s.closed = true;
  const done = streamTo(s, source);
  source.end(Buffer.from('def'));
  await done;
  assert.ok(source.destroyed);
  assert.equal(s.data(), '');
});
