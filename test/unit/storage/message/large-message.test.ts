// The slow one (a few seconds): a 200 MB message generated as a stream parses with bounded
// memory, and its sizes and line counts come out exactly as computed from the generator.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../../../../storage/message/parse-message.js';
import { extractSearchText } from '../../../../storage/message/search-text.js';

const MB = 1024 * 1024;
const HEADER = 'From: big@example.org\nSubject: big\nContent-Type: multipart/mixed; boundary=BIG\n\n--BIG\nContent-Type: text/plain\n\nhello\n--BIG\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n';
const TRAILER = '--BIG--\n';
const LINE = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n';

/** Highest RSS seen while generating (sampled inside the loop: timers do not fire during it). */
let peakRss = 0;

/** Streams HEADER, `lineCount` base64 lines (LF-only) and TRAILER in 64 KiB chunks. */
async function* bigMessage(lineCount: number, type = 'application/octet-stream'): AsyncGenerator<Buffer> {
  yield Buffer.from(HEADER.replace('application/octet-stream', type));
  const perChunk = Math.floor((64 * 1024) / LINE.length);
  const chunk = Buffer.from(LINE.repeat(perChunk));
  let left = lineCount;
  let n = 0;
  while (left >= perChunk) {
    yield chunk;
    left -= perChunk;
    if (++n % 128 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  if (left > 0) yield chunk.subarray(0, left * LINE.length);
  yield Buffer.from(TRAILER);
}

/** Streams one line of `size` bytes with no line end at all. */
async function* oneHugeLine(size: number): AsyncGenerator<Buffer> {
  yield Buffer.from('Subject: one line\n\n');
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let n = 0;
  for (let left = size; left > 0; left -= chunk.length) {
    yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    if (++n % 128 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
}

function crlfLength(s: string): number {
  return Buffer.byteLength(s) + (s.match(/\n/g) ?? []).length;
}

test('a 200 MB streamed message parses with RSS growth under 64 MB and exact sizes', async () => {
  const lineCount = Math.ceil((200 * MB) / LINE.length);
  const before = process.memoryUsage().rss;
  peakRss = before;
  const started = Date.now();
  const msg = await parseMessage(bigMessage(lineCount));
  const peak = Math.max(peakRss, process.memoryUsage().rss);
  const seconds = (Date.now() - started) / 1000;
  const attachment = msg.root.children[1];
  const lineCrlf = LINE.length + 1;
  assert.equal(msg.size, crlfLength(HEADER) + lineCount * lineCrlf + crlfLength(TRAILER));
  assert.ok(msg.size > 200 * MB);
  assert.equal(attachment.bodySize, lineCount * lineCrlf - 2);
  assert.equal(attachment.bodyLines, lineCount - 1);
  assert.equal(msg.root.children[0].bodySize, 5);
  const growth = (peak - before) / MB;
  console.log(`# 200 MB message: ${seconds.toFixed(2)} s, RSS growth ${growth.toFixed(1)} MB`);
  assert.ok(growth < 64, `RSS grew by ${growth.toFixed(1)} MB`);
});

test('a 128 MB body without any line end costs no more memory than the line limit', async () => {
  const before = process.memoryUsage().rss;
  peakRss = before;
  const msg = await parseMessage(oneHugeLine(128 * MB), { maxLineBytes: 4096 });
  const growth = (Math.max(peakRss, process.memoryUsage().rss) - before) / MB;
  assert.equal(msg.root.bodySize, 128 * MB);
  assert.equal(msg.root.bodyLines, 0);
  assert.ok(growth < 64, `RSS grew by ${growth.toFixed(1)} MB`);
});

test('search text over a 20 MB text attachment stops at the byte cap', async () => {
  const lineCount = Math.ceil((20 * MB) / LINE.length);
  const skipped = await extractSearchText(bigMessage(lineCount), { maxBytes: 1000 });
  assert.equal(skipped.body, 'hello');
  assert.equal(skipped.truncated, false);
  const capped = await extractSearchText(bigMessage(lineCount, 'text/plain'), { maxBytes: 1000 });
  assert.equal(capped.truncated, true);
  // 5 bytes of "hello", then the first 995 raw bytes (CRLF form) of the base64 text part
  const decoded = Buffer.from((LINE.replace('\n', '\r\n').repeat(13)).slice(0, 995), 'latin1').toString('latin1');
  assert.equal(capped.body, 'hello\n' + Buffer.from(decoded, 'base64').toString('utf8'));
});
