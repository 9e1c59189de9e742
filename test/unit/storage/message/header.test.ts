// Header fields with offsets, selection by name, decoding.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeaderValue, excludeHeaderFields, parseHeader, selectHeaderFields } from '../../../../storage/message/header.js';

const HEADER = Buffer.from(
  'Subject: hello\r\n  world\r\nFrom: a@b\r\nX-Broken line without colon\r\nsubject: second\r\nTo: c@d\r\n\r\nbody: not a header\r\n',
);

test('fields keep folding, offsets cover the original bytes, parsing stops at the blank line', () => {
  const fields = parseHeader(HEADER);
  assert.deepEqual(
    fields.map((f) => [f.name, f.value]),
    [
      ['Subject', ' hello\r\n  world'],
      ['From', ' a@b'],
      ['subject', ' second'],
      ['To', ' c@d'],
    ],
  );
  assert.equal(HEADER.subarray(fields[0].start, fields[0].end).toString(), 'Subject: hello\r\n  world\r\n');
  assert.equal(HEADER.subarray(fields[3].start, fields[3].end).toString(), 'To: c@d\r\n');
});

test('LF-only headers and a header without blank line parse the same way', () => {
  const fields = parseHeader(Buffer.from('A: 1\n B\nC: 2'));
  assert.deepEqual(
    fields.map((f) => [f.name, f.value, f.start, f.end]),
    [
      ['A', ' 1\n B', 0, 8],
      ['C', ' 2', 8, 12],
    ],
  );
});

test('select and exclude keep original bytes and order, names case-insensitive', () => {
  const fields = parseHeader(HEADER);
  assert.equal(selectHeaderFields(HEADER, fields, ['SUBJECT', 'to']).toString(), 'Subject: hello\r\n  world\r\nsubject: second\r\nTo: c@d\r\n');
  assert.equal(excludeHeaderFields(HEADER, fields, ['subject']).toString(), 'From: a@b\r\nTo: c@d\r\n');
  assert.equal(selectHeaderFields(HEADER, fields, ['x-none']).length, 0);
});

test('8-bit values: UTF-8 when valid, Latin-1 byte for byte otherwise', () => {
  const fields = parseHeader(Buffer.concat([Buffer.from('S: K\xc3\xb6ln\r\n', 'latin1'), Buffer.from('T: caf\xe9\r\n', 'latin1')]));
  assert.equal(fields[0].value, ' Köln');
  assert.equal(fields[1].value, ' café');
  assert.deepEqual(Buffer.from(fields[1].value, 'latin1'), Buffer.from(' caf\xe9', 'latin1'));
});

test('decodeHeaderValue decodes encoded-words across folds and charsets, never throws', () => {
  assert.equal(decodeHeaderValue(' =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from\r\n Alice'), 'Grüße from Alice');
  assert.equal(decodeHeaderValue('=?iso-8859-1?B?Y2Fm6Q==?= =?iso-8859-1?Q?_cr=E8me?='), 'café crème');
  assert.equal(decodeHeaderValue('=?x-bogus?Q?abc?= plain'), 'abc plain');
  assert.equal(decodeHeaderValue('=?utf-8?B?####?='), decodeHeaderValue('=?utf-8?B?####?='));
});
