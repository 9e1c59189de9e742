import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { DotStuffer, TopLimiter } from '../../../../protocols/pop3/encode.js';

function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

async function stuff(input: string, size: number): Promise<string> {
  return (await buffer(chunked(Buffer.from(input), size).pipe(new DotStuffer()))).toString();
}

async function top(input: string, lines: number, size: number): Promise<string> {
  return (await buffer(chunked(Buffer.from(input), size).pipe(new TopLimiter(lines)))).toString();
}

const sizes = [1, 2, 3, 4, 7, 64, 4096];

test('dot-stuffing doubles a leading dot on every line and terminates with a dot line', async () => {
  const input = '.hidden: x\r\n\r\n.\r\n..two\r\nmid.dle\r\n.\r\n';
  const expected = '..hidden: x\r\n\r\n..\r\n...two\r\nmid.dle\r\n..\r\n.\r\n';
  for (const size of sizes) assert.equal(await stuff(input, size), expected, `chunk size ${size}`);
});

test('dot-stuffing adds the missing CRLF before the terminator', async () => {
  for (const size of sizes) assert.equal(await stuff('Subject: x\r\n\r\nno newline', size), 'Subject: x\r\n\r\nno newline\r\n.\r\n');
});

test('an empty message is just the terminator', async () => {
  assert.equal(await stuff('', 1), '.\r\n');
});

test('TOP 0 returns the header and the blank line only', async () => {
  const msg = 'A: 1\r\nB: 2\r\n\r\nline1\r\nline2\r\n';
  for (const size of sizes) assert.equal(await top(msg, 0, size), 'A: 1\r\nB: 2\r\n\r\n', `chunk size ${size}`);
});

test('TOP n returns n body lines, or the whole body when it is shorter', async () => {
  const msg = 'A: 1\r\n\r\nline1\r\n\r\nline3\r\nline4\r\n';
  for (const size of sizes) {
    assert.equal(await top(msg, 2, size), 'A: 1\r\n\r\nline1\r\n\r\n');
    assert.equal(await top(msg, 3, size), 'A: 1\r\n\r\nline1\r\n\r\nline3\r\n');
    assert.equal(await top(msg, 99, size), msg);
  }
});

test('TOP on a message without a header/body separator returns it whole', async () => {
  for (const size of sizes) assert.equal(await top('A: 1\r\nB: 2\r\n', 0, size), 'A: 1\r\nB: 2\r\n');
});

test('TOP output piped through the dot-stuffer is a complete multi-line response', async () => {
  const msg = Buffer.from('A: 1\r\n\r\n.dot\r\nrest\r\n');
  const out = await buffer(chunked(msg, 3).pipe(new TopLimiter(1)).pipe(new DotStuffer()));
  assert.equal(out.toString(), 'A: 1\r\n\r\n..dot\r\n.\r\n');
});
