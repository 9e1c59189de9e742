// Interop with the real Dovecot: dovecot-lda delivers, doveadm reads and changes flags, and
// inboxd and Dovecot agree on UIDs, UIDVALIDITY, flags, keywords and bytes, both ways round.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMailStore } from '../../storage/store.js';
import { silentLogger } from '../../src/log.js';
import type { Flags, MessageInfo } from '../../storage/types.js';
import { readAll } from '../storage/suite.js';
import { makeDovecotEnv } from './maildir-helpers.js';

const open = (home: string) => openMailStore({ username: 'nobody', home, extra: {} }, 'maildir:~/Maildir', { log: silentLogger(), watchPollMs: 50 });

const IMAP_FLAG: Record<keyof Flags, string> = { seen: '\\Seen', answered: '\\Answered', flagged: '\\Flagged', deleted: '\\Deleted', draft: '\\Draft' };
function imapFlags(m: MessageInfo): string[] {
  return [...(Object.keys(IMAP_FLAG) as (keyof Flags)[]).filter((k) => m.flags[k]).map((k) => IMAP_FLAG[k]), ...m.keywords].sort();
}

const msg = (n: number) => `From: sender${n}@example.org\nTo: nobody@example.org\nSubject: message ${n}\n\nbody ${n}\n`;

test('inboxd reads mail delivered by dovecot-lda with the UIDs, UIDVALIDITY and flags Dovecot assigned', async () => {
  const env = await makeDovecotEnv();
  try {
    for (let i = 1; i <= 3; i++) await env.deliver(msg(i));
    await env.doveadm('flags', 'add', '\\Seen', 'mailbox', 'INBOX', 'uid', '2');
    await env.doveadm('flags', 'add', '\\Flagged $Work', 'mailbox', 'INBOX', 'uid', '3');
    const dove = await env.uidsAndFlags();
    assert.deepEqual(dove, [
      [1, []],
      [2, ['\\Seen']],
      [3, ['$Work', '\\Flagged']],
    ]);
    const st = await env.status();
    const store = await open(env.home);
    const box = await store.open('INBOX');
    assert.equal(box.uidValidity, st.uidvalidity);
    assert.equal(box.uidNext, st.uidnext);
    assert.deepEqual(box.messages.map((m) => [m.uid, imapFlags(m)]), dove);
    for (const m of box.messages) {
      const sizes = await env.doveadm('-f', 'flow', 'fetch', 'size.virtual', 'mailbox', 'INBOX', 'uid', String(m.uid));
      assert.equal(m.size, Number(/size.virtual=(\d+)/.exec(sizes)?.[1]), `size of ${m.uid}`);
      const body = (await readAll(await box.openContent(m.uid, { what: 'body' }))).toString();
      assert.equal(body, `body ${m.uid}\r\n`);
    }
    await box.close();
  } finally {
    await env.cleanup();
  }
});

test('doveadm reports the UIDs and flags inboxd wrote, and Dovecot continues the UID sequence', async () => {
  const env = await makeDovecotEnv();
  try {
    await env.deliver(msg(1));
    await env.deliver(msg(2));
    const before = await env.status();
    const store = await open(env.home);
    const box = await store.open('INBOX');
    const tx = box.begin();
    tx.append(Buffer.from(msg(3)), { flags: { answered: true }, keywords: ['Project'] });
    tx.setFlags([1], 'add', { flags: { seen: true, flagged: true }, keywords: ['$Label1'] });
    tx.setFlags([2], 'add', { flags: { deleted: true } });
    tx.expunge();
    const r = await tx.commit();
    assert.deepEqual(r.appended, [3]);
    await box.sync();
    await store.create('Archive');
    const cp = box.begin();
    cp.copy([1], 'Archive');
    const copied = await cp.commit();
    const ours = box.messages.map((m) => [m.uid, imapFlags(m)]);
    assert.deepEqual(ours, [
      [1, ['$Label1', '\\Flagged', '\\Seen']],
      [3, ['Project', '\\Answered']],
    ]);
    assert.deepEqual(await env.uidsAndFlags(), ours);
    assert.equal((await env.status()).uidvalidity, before.uidvalidity);
    const archive = await env.uidsAndFlags('Archive');
    assert.deepEqual(archive, [[copied.copies[0].target[0], ['$Label1', '\\Flagged', '\\Seen']]]);
    assert.equal((await env.status('Archive')).uidvalidity, copied.copies[0].uidValidity);
    // And back: Dovecot delivers and changes flags; inboxd sees both with Dovecot's UIDs.
    await env.deliver(msg(4));
    await env.doveadm('flags', 'remove', '\\Seen', 'mailbox', 'INBOX', 'uid', '1');
    const s = await box.sync();
    assert.deepEqual(s.added.map((m) => m.uid), [4]);
    assert.deepEqual(s.flagsChanged, [1]);
    assert.deepEqual(box.messages.map((m) => [m.uid, imapFlags(m)]), await env.uidsAndFlags());
    await box.close();
  } finally {
    await env.cleanup();
  }
});

test('doveadm lists the folders and subscriptions inboxd created, and inboxd lists Dovecot\'s', async () => {
  const env = await makeDovecotEnv();
  try {
    await env.deliver(msg(1));
    const store = await open(env.home);
    await store.create('Lists.linux');
    await store.create('Entwürfe');
    await store.subscribe('Entwürfe');
    await store.subscribe('Lists.linux');
    const listed = (await env.doveadm('mailbox', 'list')).split('\n').filter(Boolean).sort();
    assert.deepEqual(listed, ['Entwürfe', 'INBOX', 'Lists', 'Lists.linux']);
    const subscribed = (await env.doveadm('mailbox', 'list', '-s')).split('\n').filter(Boolean).sort();
    assert.deepEqual(subscribed, ['Entwürfe', 'Lists.linux']);
    await env.doveadm('mailbox', 'create', '-s', 'Dove.Sub', 'Übung');
    const ours = await open(env.home);
    const names = (await ours.list()).map((e) => e.name);
    assert.ok(names.includes('Dove.Sub') && names.includes('Übung'), names.join(','));
    assert.ok((await ours.list({ subscribedOnly: true })).some((e) => e.name === 'Dove.Sub'));
  } finally {
    await env.cleanup();
  }
});
