// Response builders, flag lists, sequence sets, dates and address lists, byte for byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parser as imapflowParser } from 'imapflow/lib/handler/imap-handler.js';
import { encodeAddressList } from '../../../../../protocols/imap/encode/address.js';
import { continuation, dateTime, flagList, isValidFlag, paren, sequenceSet, tagged, untagged, untaggedStatus } from '../../../../../protocols/imap/encode/response.js';
import { encodeString } from '../../../../../protocols/imap/encode/string.js';
import { run } from '../parser/harness.js';

const s = (b: Buffer) => b.toString('latin1');

test('tagged responses with and without a response code', () => {
  assert.equal(s(tagged('a1', 'OK', 'LOGIN completed')), 'a1 OK LOGIN completed\r\n');
  assert.equal(s(tagged('a2', 'NO', 'Mailbox does not exist', { name: 'TRYCREATE' })), 'a2 NO [TRYCREATE] Mailbox does not exist\r\n');
  assert.equal(s(tagged('a3', 'OK', 'Append completed', { name: 'APPENDUID', args: [38505, 3955] })), 'a3 OK [APPENDUID 38505 3955] Append completed\r\n');
  assert.equal(s(tagged('a4', 'OK', 'Done', { name: 'COPYUID', args: [38505, sequenceSet([304, 319, 320]), '3956:3958'] })), 'a4 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n');
});

test('response text cannot break the line or fake a response code', () => {
  assert.equal(s(tagged('a', 'BAD', 'bad\r\nx OK injected')), 'a BAD bad  x OK injected\r\n');
  assert.equal(s(tagged('a', 'NO', '[ALERT] not a code')), 'a NO  [ALERT] not a code\r\n');
});

test('invalid tags and raw parts with CRLF are programming errors', () => {
  assert.throws(() => tagged('a b', 'OK', 'x'), /Invalid tag/);
  assert.throws(() => tagged('', 'OK', 'x'), /Invalid tag/);
  assert.throws(() => untagged('x\r\ny'), /CR or LF/);
  assert.throws(() => untagged(-1), /Not a valid IMAP number/);
});

test('untagged status and data responses', () => {
  assert.equal(s(untaggedStatus('OK', 'UIDs valid', { name: 'UIDVALIDITY', args: [3857529045] })), '* OK [UIDVALIDITY 3857529045] UIDs valid\r\n');
  assert.equal(s(untaggedStatus('BYE', 'Autologout; idle for too long')), '* BYE Autologout; idle for too long\r\n');
  assert.equal(s(untagged(172, 'EXISTS')), '* 172 EXISTS\r\n');
  assert.equal(s(untagged('FLAGS', flagList(['\\Answered', '\\Seen', '$Forwarded']))), '* FLAGS (\\Answered \\Seen $Forwarded)\r\n');
  assert.equal(s(untaggedStatus('OK', 'Limited', { name: 'PERMANENTFLAGS', args: [flagList(['\\Deleted', '\\*'])] })), '* OK [PERMANENTFLAGS (\\Deleted \\*)] Limited\r\n');
  assert.equal(s(untagged('LIST', paren(['\\HasNoChildren']), encodeString('/'), encodeString('a b', { atom: true }))), '* LIST (\\HasNoChildren) "/" "a b"\r\n');
  assert.equal(s(untagged('STATUS', encodeString('x', { atom: true }), paren(['MESSAGES', 2, 'UIDNEXT', 44]))), '* STATUS x (MESSAGES 2 UIDNEXT 44)\r\n');
});

test('untagged data may carry a literal inside the line', () => {
  const line = untagged('SEARCH', encodeString('two\r\nlines'));
  assert.equal(s(line), '* SEARCH {10}\r\ntwo\r\nlines\r\n');
});

test('continuation requests', () => {
  assert.equal(s(continuation()), '+ Ready\r\n');
  assert.equal(s(continuation('PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+')), '+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+\r\n');
  assert.equal(s(continuation('')), '+ \r\n');
});

test('flag lists leave out invalid flags instead of corrupting the response', () => {
  assert.equal(s(flagList([])), '()');
  assert.equal(s(flagList(['\\Seen', 'bad flag', 'x(y', '', '\\', 'ok'])), '(\\Seen ok)');
  assert.equal(isValidFlag('\\*'), true);
  assert.equal(isValidFlag('$Label1'), true);
  assert.equal(isValidFlag('a]'), false);
});

test('sequence sets compress sorted runs', () => {
  assert.equal(sequenceSet([5, 1, 2, 3, 9, 7, 8, 3]), '1:3,5,7:9');
  assert.equal(sequenceSet([]), '');
  assert.equal(sequenceSet([4294967295]), '4294967295');
});

test('date-time in the given zone, day padded with a space', () => {
  const t = new Date('1996-07-17T09:44:25Z');
  assert.equal(s(dateTime(t, -420)), '"17-Jul-1996 02:44:25 -0700"');
  assert.equal(s(dateTime(new Date('2024-03-01T23:30:00Z'), 90)), '" 2-Mar-2024 01:00:00 +0130"');
  assert.equal(s(dateTime(new Date('2024-03-01T00:00:00Z'))), '" 1-Mar-2024 00:00:00 +0000"');
});

test('a date-time written by the encoder reads back through the APPEND parser', () => {
  const t = new Date('2007-03-24T21:00:00Z');
  const events = run(Buffer.concat([Buffer.from('a APPEND x '), dateTime(t, 120), Buffer.from(' {1+}\r\nz\r\n')]));
  const head = events[0];
  assert.ok(head.kind === 'append-message');
  assert.deepEqual(head.message.date, { time: t, offsetMinutes: 120 });
});

test('address lists: NIL, single, several, group syntax, nstrings with literals', () => {
  assert.equal(s(encodeAddressList(null)), 'NIL');
  assert.equal(s(encodeAddressList([])), 'NIL');
  assert.equal(s(encodeAddressList([{ name: 'Terry Gray', adl: null, mailbox: 'gray', host: 'cac.washington.edu' }])), '(("Terry Gray" NIL "gray" "cac.washington.edu"))');
  assert.equal(
    s(encodeAddressList([
      { name: null, adl: null, mailbox: 'undisclosed', host: null },
      { name: 'A "Q" B', adl: null, mailbox: 'a', host: 'x.org' },
      { name: null, adl: null, mailbox: null, host: null },
    ])),
    '((NIL NIL "undisclosed" NIL)("A \\"Q\\" B" NIL "a" "x.org")(NIL NIL NIL NIL))',
  );
  assert.equal(s(encodeAddressList([{ name: 'x\ny', adl: null, mailbox: 'm', host: 'h' }])), '(({3}\r\nx\ny NIL "m" "h"))');
});

test('an envelope-like response built from the encoders parses in imapflow', async () => {
  const from = encodeAddressList([{ name: 'Fred "F" Foo', adl: null, mailbox: 'fred', host: 'example.org' }]);
  const line = untagged(1, 'FETCH', paren(['ENVELOPE', paren([encodeString('Mon, 7 Feb 1994 21:52:25 -0800'), encodeString('Re: \\o/'), from, 'NIL'])]));
  const parsed = await imapflowParser(line.subarray(0, line.length - 2));
  const env = (parsed.attributes as unknown as [unknown, [unknown, Array<unknown>]])[1][1];
  assert.deepEqual(JSON.parse(JSON.stringify(env)), [
    { type: 'STRING', value: 'Mon, 7 Feb 1994 21:52:25 -0800' },
    { type: 'STRING', value: 'Re: \\o/' },
    [[{ type: 'STRING', value: 'Fred "F" Foo' }, null, { type: 'STRING', value: 'fred' }, { type: 'STRING', value: 'example.org' }]],
    null,
  ]);
});
