// Envelope fields and RFC 5322 address lists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddressList } from '../../../../storage/message/address.js';
import { parseMessage } from '../../../../storage/message/parse-message.js';
import { fixture } from './fixtures.js';

const addr = (name: string | null, mailbox: string | null, host: string | null, adl: string | null = null) => ({ name, adl, mailbox, host });
const GROUP_END = addr(null, null, null);

test('simple message envelope: raw values, sender and reply-to default to from', async () => {
  const { envelope } = await parseMessage(await fixture('simple.eml'));
  assert.deepEqual(envelope, {
    date: 'Tue, 3 Mar 2026 09:59:58 +0100',
    subject: '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from Alice',
    from: [addr('Alice Example', 'alice', 'example.org')],
    sender: [addr('Alice Example', 'alice', 'example.org')],
    replyTo: [addr('Alice Example', 'alice', 'example.org')],
    to: [addr('Bob', 'bob', 'example.com'), addr('Carol C.', 'carol', 'example.com')],
    cc: [addr(null, 'dave', 'example.net')],
    bcc: null,
    inReplyTo: '<prev@example.com>',
    messageId: '<20260303.1@example.org>',
  });
});

test('groups, source routes, quoted names and comments', async () => {
  const { envelope } = await parseMessage(await fixture('groups.eml'));
  assert.deepEqual(envelope.to, [
    addr(null, 'Committee', null),
    addr(null, 'alice', 'example.org'),
    addr('Bob B.', 'bob', 'example.org'),
    GROUP_END,
    addr(null, 'outsider', 'example.com'),
  ]);
  assert.deepEqual(envelope.cc, [addr(null, 'undisclosed-recipients', null), GROUP_END]);
  assert.deepEqual(envelope.bcc, [addr(null, 'route', 'example.com', '@relay.example.net,@hop.example.net'), addr('Quoted "Name"', 'q', 'example.com')]);
  assert.deepEqual(envelope.sender, [addr(null, 'secretary', 'example.org')]);
  assert.deepEqual(envelope.replyTo, [addr('The List', 'list', 'example.org')]);
  assert.equal(envelope.messageId, '<groups@example.org>  ');
});

test('8-bit headers stay raw: UTF-8 and Latin-1', async () => {
  const u = (await parseMessage(await fixture('8bit-headers-utf8.eml'))).envelope;
  assert.equal(u.subject, 'Grüße aus Köln');
  assert.deepEqual(u.to, [addr('Jörg Müller', 'jm', 'example.com')]);
  assert.deepEqual(u.from, [addr('=?utf-8?q?J=C3=B6rg?=', 'j', 'example.org')]);
  const l = (await parseMessage(await fixture('8bit-headers-latin1.eml'))).envelope;
  assert.equal(l.subject, 'caf\u00e9 cr\u00e8me');
  assert.deepEqual(l.from, [addr('Fran\u00e7ois', 'f', 'example.org')]);
});

test('odd address lists degrade instead of failing', () => {
  assert.equal(parseAddressList(''), null);
  const missing = addr(null, 'MISSING_MAILBOX', 'MISSING_DOMAIN');
  // empty elements ended by a comma are reported as Dovecot does (checked against it)
  assert.deepEqual(parseAddressList('  , ,'), [missing, missing]);
  assert.deepEqual(parseAddressList('a@b,,c@d,'), [addr(null, 'a', 'b'), missing, addr(null, 'c', 'd')]);
  assert.deepEqual(parseAddressList('G: ,a@b;'), [addr(null, 'G', null), missing, addr(null, 'a', 'b'), GROUP_END]);
  assert.deepEqual(parseAddressList('"only a name"'), [addr('only a name', 'MISSING_MAILBOX', 'MISSING_DOMAIN')]);
  assert.deepEqual(parseAddressList('"quoted local"@x (c)'), [addr('c', 'quoted local', 'x')]);
  assert.deepEqual(parseAddressList('localonly'), [addr(null, 'localonly', 'MISSING_DOMAIN')]);
  assert.deepEqual(parseAddressList('Name <>'), [addr('Name', 'MISSING_MAILBOX', 'MISSING_DOMAIN')]);
  assert.deepEqual(parseAddressList('Unclosed <a@b'), [addr('Unclosed', 'a', 'b')]);
  assert.deepEqual(parseAddressList('G: a@b'), [addr(null, 'G', null), addr(null, 'a', 'b'), GROUP_END]);
  // a comment names the address only when it follows it (Dovecot ignores a leading one)
  assert.deepEqual(parseAddressList('"a, b" <x@y>, (leading) z@w, v@u (trailing)'), [addr('a, b', 'x', 'y'), addr(null, 'z', 'w'), addr('trailing', 'v', 'u')]);
});
