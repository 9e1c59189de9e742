// A real client's commands: imapflow talks to a minimal server on 127.0.0.1 whose framing is our
// ImapParser (it answers `+` to literals and OK to every command); every byte imapflow sends must
// parse, with the arguments the client meant.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { startServer } from './fake-server.js';

test('every command imapflow sends parses, with the arguments it meant', async () => {
  let idleStarted: () => void = () => undefined;
  const idling = new Promise<void>((resolve) => {
    idleStarted = resolve;
  });
  const { server, port, rec } = await startServer(() => idleStarted());
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'jöe user', pass: 'p"a\\ss {3}' }, logger: false, disableAutoIdle: true });
  try {
    await client.connect();
    await client.list({ statusQuery: { messages: true, unseen: true } });
    await client.status('INBOX', { messages: true, uidNext: true, unseen: true });
    await client.mailboxCreate('Entwürfe "x"');
    await client.mailboxSubscribe('Entwürfe "x"');
    await client.mailboxRename('Entwürfe "x"', 'Archive/2024');
    await client.mailboxDelete('Archive/2024');
    await client.mailboxOpen('INBOX');
    await client.fetchAll('1:*', { uid: true, flags: true, envelope: true, bodyStructure: true, internalDate: true, size: true, headers: ['subject', 'x-spam'], bodyParts: ['1', '2.mime'] });
    await client.fetchAll('2,4:*', { source: { start: 10, maxLength: 100 } }, { uid: true });
    await client.search({ seen: false, from: 'alice "the" \\ admin', since: new Date('2024-02-01T00:00:00Z'), or: [{ larger: 100 }, { header: { 'x-mailer': 'mutt' } }] });
    await client.search({ all: true }, { uid: true });
    await client.messageFlagsAdd('1:3', ['\\Seen', '$Label1']);
    await client.messageFlagsRemove({ uid: '5:7' }, ['\\Flagged']);
    await client.messageFlagsSet('2', []);
    await client.messageCopy('1', 'Archive');
    await client.messageMove('2:3', 'Trash');
    const body = 'From: a@example.org\r\nSubject: t\r\n\r\nline with "quotes" and {braces}\r\n';
    await client.append('INBOX', body, ['\\Seen', '\\Draft'], new Date('2024-05-06T07:08:09Z'));
    const idle = client.idle();
    await idling;
    await client.noop();
    await idle;
    await client.logout();

    assert.deepEqual(rec.errors, []);
    const names = rec.commands.map((c) => `${c.uid ? 'UID ' : ''}${c.name}`);
    for (const n of ['LOGIN', 'LIST', 'STATUS', 'CREATE', 'SUBSCRIBE', 'RENAME', 'DELETE', 'SELECT', 'FETCH', 'UID FETCH', 'SEARCH', 'UID SEARCH', 'STORE', 'UID STORE', 'COPY', 'MOVE', 'APPEND', 'IDLE', 'NOOP', 'LOGOUT']) {
      assert.ok(names.includes(n), `${n} missing from ${names.join(', ')}`);
    }
    const login = rec.commands.find((c) => c.name === 'LOGIN');
    assert.ok(login && login.name === 'LOGIN');
    assert.deepEqual(login.args, { username: 'jöe user', password: 'p"a\\ss {3}' });
    const create = rec.commands.find((c) => c.name === 'CREATE');
    assert.ok(create && create.name === 'CREATE');
    assert.equal(create.args.mailbox, 'Entw&APw-rfe "x"', 'imapflow sends modified UTF-7');
    const append = rec.commands.find((c) => c.name === 'APPEND');
    assert.ok(append && append.name === 'APPEND');
    assert.equal(append.args.messages.length, 1);
    assert.deepEqual(append.args.messages[0].flags, ['\\Seen', '\\Draft']);
    assert.equal(append.args.messages[0].date?.time.getTime(), new Date('2024-05-06T07:08:09Z').getTime());
    assert.deepEqual(rec.appended.map((b) => b.toString()), [body]);
    const store = rec.commands.find((c) => c.name === 'STORE' && !c.uid);
    assert.ok(store && store.name === 'STORE');
    assert.deepEqual(store.args, { set: { kind: 'ranges', ranges: [{ from: 1, to: 3 }] }, operation: 'add', silent: false, flags: ['\\Seen', '$Label1'] });
    const search = rec.commands.find((c) => c.name === 'SEARCH' && !c.uid);
    assert.ok(search && search.name === 'SEARCH');
    const keys = JSON.stringify(search.args.keys);
    assert.ok(keys.includes('"key":"UNSEEN"') && keys.includes('alice \\"the\\" \\\\ admin') && keys.includes('"key":"OR"'), keys);
    const fetch = rec.commands.find((c) => c.name === 'FETCH' && !c.uid);
    assert.ok(fetch && fetch.name === 'FETCH');
    const types = fetch.args.items.map((i) => i.type);
    for (const t of ['UID', 'FLAGS', 'ENVELOPE', 'BODYSTRUCTURE', 'INTERNALDATE', 'RFC822.SIZE', 'BODY[]']) assert.ok(types.includes(t as never), `${t} not in ${types.join(' ')}`);
  } catch (err) {
    if (process.env.IMAPFLOW_DEBUG) console.error(rec.errors, Buffer.concat(rec.raw).toString('latin1').slice(-3000));
    throw err;
  } finally {
    client.close();
    server.close();
  }
});
