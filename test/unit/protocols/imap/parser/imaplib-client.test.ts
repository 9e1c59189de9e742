// A second real client: Python's imaplib (synchronizing literals, its own quoting) against the
// fake server framed by our ImapParser; every command must parse with the arguments it meant.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startServer } from './fake-server.js';

const SCRIPT = String.raw`
import imaplib, sys
port = int(sys.argv[1])
m = imaplib.IMAP4('127.0.0.1', port)
m.login('bob', 'pa ss"wo\\rd')
m.list('""', '*')
m.status('INBOX', '(MESSAGES UIDNEXT)')
m.select('INBOX')
m.fetch('1:3', '(UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
m.uid('FETCH', '1:*', '(RFC822.SIZE)')
m.search('UTF-8', 'OR', 'UNSEEN', '(FROM "bob")')
m.literal = 'tschüß'.encode('utf-8')
m.search('UTF-8', 'SUBJECT')
m.store('1:2', '+FLAGS.SILENT', r'(\Deleted)')
m.copy('1', 'Archive')
m.append('INBOX', r'(\Seen)', imaplib.Time2Internaldate(1700000000), b'Subject: hi\r\n\r\nbody\r\n')
m.uid('SEARCH', None, 'ALL')
m.expunge()
m.close()
m.logout()
`;

test('every command Python imaplib sends parses, with the arguments it meant', async () => {
  const { server, port, rec } = await startServer(() => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('python3', ['-c', SCRIPT, String(port)], { timeout: 20_000 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`python3 imaplib client failed (is python3 installed?): ${err.message}\n${stderr}`));
        else resolve();
      });
    });
    assert.deepEqual(rec.errors, []);
    const names = rec.commands.map((c) => `${c.uid ? 'UID ' : ''}${c.name}`);
    assert.deepEqual(names, ['CAPABILITY', 'LOGIN', 'LIST', 'STATUS', 'SELECT', 'FETCH', 'UID FETCH', 'SEARCH', 'SEARCH', 'STORE', 'COPY', 'APPEND', 'UID SEARCH', 'EXPUNGE', 'CLOSE', 'LOGOUT']);
    const login = rec.commands[1];
    assert.ok(login.name === 'LOGIN');
    assert.deepEqual(login.args, { username: 'bob', password: 'pa ss"wo\\rd' });
    const literalSearch = rec.commands[8];
    assert.ok(literalSearch.name === 'SEARCH');
    assert.deepEqual(literalSearch.args, { charset: 'UTF-8', keys: [{ key: 'SUBJECT', value: 'tschüß' }] });
    const append = rec.commands[11];
    assert.ok(append.name === 'APPEND');
    assert.deepEqual(append.args.messages[0].flags, ['\\Seen']);
    assert.equal(append.args.messages[0].date?.time.getTime(), 1700000000 * 1000);
    assert.deepEqual(rec.appended.map((b) => b.toString()), ['Subject: hi\r\n\r\nbody\r\n']);
    const store = rec.commands[9];
    assert.ok(store.name === 'STORE');
    assert.deepEqual(store.args, { set: { kind: 'ranges', ranges: [{ from: 1, to: 2 }] }, operation: 'add', silent: true, flags: ['\\Deleted'] });
  } finally {
    server.close();
  }
});
