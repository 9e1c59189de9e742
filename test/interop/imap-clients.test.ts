// Real IMAP clients against a real daemon on Maildir: imapflow (npm), Python's imaplib, curl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { deliverToMaildir, maildirFiles } from '../helpers/maildir.js';

const run = promisify(execFile);
let d: TestDaemon;

before(async () => {
  d = await startTestDaemon(['flow', 'py', 'curl'].map((name) => ({ name, password: 'Pa ss"word' })));
});

after(async () => {
  await d.stop();
});

const maildir = (user: string): string => path.join(d.home(user), 'Maildir');

function flow(secure = false): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: d.port('imap', secure),
    secure,
    tls: { rejectUnauthorized: false },
    auth: { user: 'flow', pass: 'Pa ss"word' },
    logger: false,
    disableAutoIdle: true,
  });
}

test('imapflow: login, list, create, append, open, fetch, search, move and idle', async () => {
  await deliverToMaildir(maildir('flow'), 'From: a@example.org\nSubject: first\n\nhello\n');
  const client = flow();
  await client.connect();
  try {
    const boxes = await client.list();
    const inbox = boxes.find((b) => b.path === 'INBOX');
    assert.ok(inbox, 'INBOX listed');
    assert.equal(boxes.find((b) => b.path === 'Sent')?.specialUse, '\\Sent');
    await client.mailboxCreate('Kept');
    const appended = await client.append('INBOX', 'From: b@example.org\r\nSubject: second\r\n\r\nbody\r\n', ['\\Seen'], new Date('2024-01-02T03:04:05Z'));
    assert.ok(appended && appended.uid === 2, `APPENDUID gives the UID: ${String(appended && appended.uid)}`);
    const box = await client.mailboxOpen('INBOX');
    assert.equal(box.exists, 2);
    assert.equal(box.uidNext, 3);
    const moved = await client.messageMove('1', 'Kept', { uid: true });
    assert.ok(moved && moved.uidMap?.get(1) === 1, `COPYUID maps the moved UID: ${String(moved && moved.uidMap?.get(1))}`);
    assert.equal(client.mailbox && client.mailbox.exists, 1, 'imapflow applied the EXPUNGE');
    const status = await client.status('Kept', { messages: true });
    assert.ok(status && status.messages === 1);

    // FETCH and SEARCH (the other command modules) through the same client.
    const fetched = [];
    for await (const m of client.fetch('1:*', { uid: true, flags: true, envelope: true, source: true })) fetched.push(m);
    assert.equal(fetched.length, 1);
    assert.equal(fetched[0].envelope?.subject, 'second');
    assert.ok(fetched[0].flags?.has('\\Seen'));
    assert.match(fetched[0].source?.toString() ?? '', /^From: b@example\.org\r\nSubject: second\r\n\r\nbody\r\n$/);
    const found = await client.search({ subject: 'second' }, { uid: true });
    assert.deepEqual(found, [2]);

    // IDLE: a delivery arrives as an `exists` event.
    const exists = new Promise<number>((resolve) => client.once('exists', (ev: { count: number }) => resolve(ev.count)));
    const idling = client.idle();
    await new Promise((r) => setTimeout(r, 100));
    await deliverToMaildir(maildir('flow'), 'Subject: third\n\nbody\n');
    assert.equal(await exists, 2);
    await client.noop();
    await idling;
  } finally {
    await client.logout();
  }
});

test('imapflow over implicit TLS', async () => {
  const client = flow(true);
  await client.connect();
  const boxes = await client.list();
  assert.ok(boxes.some((b) => b.path === 'INBOX'));
  await client.logout();
});

const PY = `
import imaplib, ssl, sys
port = int(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4('127.0.0.1', port)
assert 'STARTTLS' in m.capabilities, m.capabilities
m.starttls(ssl_context=ctx)
m.login('py', 'Pa ss"word')
typ, _ = m.create('Py&AOk-')
assert typ == 'OK', typ
msg = b'From: py@example.org\\r\\nSubject: from python\\r\\n\\r\\nline one\\r\\n'
typ, data = m.append('INBOX', '(\\\\Flagged)', imaplib.Time2Internaldate(1700000000), msg)
assert typ == 'OK' and b'APPENDUID' in data[0], data
typ, data = m.select('INBOX')
assert typ == 'OK' and data == [b'1'], data
typ, data = m.store('1', '+FLAGS', '(\\\\Deleted)')
assert typ == 'OK' and b'\\\\Deleted' in data[0] and b'\\\\Flagged' in data[0], data
typ, data = m.expunge()
assert typ == 'OK' and data == [b'1'], data
typ, data = m.list()
names = [l.decode() for l in data]
assert any(n.endswith(' Py&AOk-') for n in names), names
m.logout()
print('python ok')
`;

test("Python's imaplib: STARTTLS, LOGIN with a quoted password, APPEND literal, SELECT, STORE, EXPUNGE, LIST", async () => {
  const script = path.join(d.dir, 'client.py');
  await writeFile(script, PY);
  const { stdout } = await run('python3', [script, String(d.port('imap', false))], { timeout: 20_000 });
  assert.equal(stdout.trim(), 'python ok');
});

test('curl imap:// and imaps://: LIST, SELECT by URL (FETCH, SEARCH), EXAMINE by custom request, APPEND by upload', async () => {
  await deliverToMaildir(maildir('curl'), 'Subject: for curl\n\nhi\n');
  const base = `imap://127.0.0.1:${d.port('imap', false)}`;
  const user = ['--user', 'curl:Pa ss"word'];
  const list = await run('curl', ['-sS', ...user, `${base}/`], { timeout: 20_000 });
  assert.match(list.stdout, /\* LIST \(\\HasNoChildren\) "\." INBOX/);
  const examine = await run('curl', ['-sS', ...user, `${base}/`, '-X', 'EXAMINE INBOX'], { timeout: 20_000 });
  assert.match(examine.stdout, /\* 1 EXISTS/);
  const file = path.join(d.dir, 'upload.eml');
  await writeFile(file, 'From: curl@example.org\r\nSubject: uploaded\r\n\r\nuploaded body\r\n');
  await run('curl', ['-sS', ...user, '-T', file, `${base}/INBOX`], { timeout: 20_000 });
  assert.equal((await maildirFiles(maildir('curl'))).length, 2, 'the upload became a message');
  // SELECT through the URL: curl selects INBOX and fetches the message body, or searches.
  const body = await run('curl', ['-sS', ...user, `${base}/INBOX;UID=1`], { timeout: 20_000 });
  assert.equal(body.stdout, 'Subject: for curl\r\n\r\nhi\r\n');
  const search = await run('curl', ['-sS', ...user, `${base}/INBOX?SUBJECT%20uploaded`], { timeout: 20_000 });
  assert.match(search.stdout, /^\* SEARCH 2\r?$/m);
  const tlsBase = `imaps://127.0.0.1:${d.port('imap', true)}`;
  const status = await run('curl', ['-sS', '-k', ...user, `${tlsBase}/`, '-X', 'STATUS INBOX (MESSAGES)'], { timeout: 20_000 });
  assert.match(status.stdout, /\* STATUS INBOX \(MESSAGES 2\)/);
  const starttls = await run('curl', ['-sS', '-k', '--ssl-reqd', ...user, `${base}/`], { timeout: 20_000 });
  assert.match(starttls.stdout, /INBOX/, 'curl --ssl-reqd upgrades with STARTTLS');
});
