import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { applyRange, findPart, selectSpan, sliceCrlf } from '../../../storage/content.js';
import { parseMessageSync } from '../../../storage/message/parse-message.js';

const NESTED = [
  'Subject: outer',
  'Content-Type: multipart/mixed; boundary=X',
  '',
  '--X',
  'Content-Type: text/plain',
  '',
  'first',
  '--X',
  'Content-Type: message/rfc822',
  '',
  'Subject: inner',
  'Content-Type: multipart/alternative; boundary=Y',
  '',
  '--Y',
  'Content-Type: text/plain',
  '',
  'inner plain',
  '--Y',
  'Content-Type: text/html',
  '',
  '<b>inner</b>',
  '--Y--',
  '--X--',
  '',
].join('\r\n');

const buf = Buffer.from(NESTED);
const parsed = parseMessageSync(buf);
const text = (req: Parameters<typeof selectSpan>[1]) => {
  const s = selectSpan(parsed, req);
  return s ? buf.subarray(s.start, Math.min(s.end, buf.length)).toString() : null;
};

test('IMAP part numbers reach into a message/rfc822 part and its multipart', () => {
  assert.equal(text({ part: [1], what: 'full' }), 'first');
  assert.equal(text({ part: [2, 1], what: 'full' }), 'inner plain');
  assert.equal(text({ part: [2, 2], what: 'full' }), '<b>inner</b>');
  assert.equal(text({ part: [2, 2], what: 'mime' }), 'Content-Type: text/html\r\n\r\n');
  assert.match(text({ part: [2], what: 'header' }) ?? '', /^Subject: inner\r\nContent-Type: multipart\/alternative; boundary=Y\r\n\r\n$/);
  // The embedded message's text: from after its header to the end of the rfc822 part (where the
  // rfc822 part ends is the message layer's business, pinned in its own tests).
  assert.match(text({ part: [2], what: 'body' }) ?? '', /^--Y\r\nContent-Type: text\/plain\r\n\r\ninner plain\r\n--Y\r\n[\s\S]*--Y--/);
  assert.equal(text({ part: [1], what: 'header' }), null, 'HEADER only exists for message parts');
  assert.equal(text({ part: [3], what: 'full' }), null);
  assert.equal(text({ part: [1, 1], what: 'full' }), null);
  assert.equal(findPart(parsed, [0]), null);
});

test('part 1 of a single-part message is its body', () => {
  const single = parseMessageSync(Buffer.from('Subject: s\r\n\r\nonly body\r\n'));
  const s = selectSpan(single, { part: [1], what: 'full' })!;
  assert.equal(Buffer.from('Subject: s\r\n\r\nonly body\r\n').subarray(s.start, s.end).toString(), 'only body\r\n');
  assert.equal(selectSpan(single, { part: [2], what: 'full' }), null);
});

test('ranges clip to the span', () => {
  assert.deepEqual(applyRange({ start: 10, end: 20 }, { start: 5 }), { start: 15, end: 20 });
  assert.deepEqual(applyRange({ start: 10, end: 20 }, { start: 5, length: 100 }), { start: 15, end: 20 });
  assert.deepEqual(applyRange({ start: 10, end: 20 }, { start: 50, length: 1 }), { start: 20, end: 20 });
});

test('sliceCrlf normalizes LF input and returns exactly the span, whatever the chunking', async () => {
  const lf = Buffer.from('a\nbb\nccc\n');
  for (const size of [1, 2, 3, 64]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < lf.length; i += size) chunks.push(lf.subarray(i, i + size));
    const out: Buffer[] = [];
    for await (const c of sliceCrlf(Readable.from(chunks), { start: 2, end: 9 })) out.push(c as Buffer);
    assert.equal(Buffer.concat(out).toString(), '\nbb\r\ncc', `chunk size ${size}`);
  }
});
