import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { MboxrdUnescape, messageBodyStream, messageStream, rangeStream, unescapeMboxrd } from '../../../../storage/mbox/message-bytes.js';
import { scanMbox } from '../../../../storage/mbox/scanner.js';
import { tempDir, DATE } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  t = await tempDir();
});
after(() => t.cleanup());

const CASES: [string, string][] = [
  ['>From x\n', 'From x\n'],
  ['>>From y\n', '>From y\n'],
  ['>>>From z\r\n', '>>From z\r\n'],
  ['From plain\n', 'From plain\n'],
  ['a >From mid-line\n', 'a >From mid-line\n'],
  ['>Fro\n>From\n', '>Fro\n>From\n'],
  ['>\n>>\n', '>\n>>\n'],
  ['>From ', 'From '],
  ['>', '>'],
  ['>>Fr', '>>Fr'],
  ['>x\n>From a\n>From b\n', '>x\nFrom a\nFrom b\n'],
  ['', ''],
];

async function viaStream(input: Buffer, chunk: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunk) pieces.push(input.subarray(i, i + chunk));
  return buffer(Readable.from(pieces).pipe(new MboxrdUnescape()));
}

test('mboxrd unescape removes one > from >+From at line starts only', async () => {
  for (const [input, want] of CASES) {
    assert.equal(unescapeMboxrd(Buffer.from(input)).toString(), want, JSON.stringify(input));
    assert.equal((await viaStream(Buffer.from(input), 1 << 20)).toString(), want, JSON.stringify(input));
  }
});

test('the streaming unescaper gives the same bytes whatever the chunking', async () => {
  const input = Buffer.from(CASES.map(([i]) => (i.endsWith('\n') ? i : `${i}\n`)).join('') + '>'.repeat(100) + 'From deep\n');
  const want = unescapeMboxrd(input);
  assert.ok(want.toString().endsWith(`${'>'.repeat(99)}From deep\n`));
  for (let chunk = 1; chunk <= 16; chunk++) assert.deepEqual(await viaStream(input, chunk), want, `chunk ${chunk}`);
});

test('bodies are read back exactly as stored, or unescaped on request', async () => {
  const text = `From a@b ${DATE}\nSubject: s\n\n>From quoted\n>>From twice\nplain\n\nFrom c@d ${DATE}\n\n\n`;
  const path = await t.file('bytes', text);
  const { messages } = await scanMbox(path);
  const fh = await open(path, 'r');
  try {
    assert.equal((await buffer(messageBodyStream(fh, messages[0]))).toString(), '>From quoted\n>>From twice\nplain\n');
    assert.equal((await buffer(messageBodyStream(fh, messages[0], { unescapeMboxrd: true, chunkSize: 3 }))).toString(), 'From quoted\n>From twice\nplain\n');
    assert.equal((await buffer(messageStream(fh, messages[0], { chunkSize: 1 }))).toString(), 'Subject: s\n\n>From quoted\n>>From twice\nplain\n');
    assert.equal((await buffer(messageBodyStream(fh, messages[1]))).length, 0, 'empty body');
    await assert.rejects(buffer(rangeStream(fh, text.length - 2, text.length + 10)), /file ended/);
    assert.throws(() => rangeStream(fh, 5, 2), RangeError);
  } finally {
    await fh.close();
  }
});
