// fetchmail (Debian package fetchmail) as a real IMAP client: LOGIN, SELECT, SEARCH UNSEEN, FETCH,
// STORE +FLAGS (\Seen \Deleted), EXPUNGE, LOGOUT — over plain TCP and over implicit TLS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { deliverToMaildir, maildirFiles } from '../helpers/maildir.js';

const run = promisify(execFile);
let d: TestDaemon;

before(async () => {
  d = await startTestDaemon([
    { name: 'plain', password: 'secret' },
    { name: 'tls', password: 'secret' },
  ]);
});

after(async () => {
  await d.stop();
});

async function fetchmail(user: string, tls: boolean): Promise<{ log: string; delivered: string }> {
  const rc = path.join(d.dir, `fetchmailrc-${user}`);
  const out = path.join(d.dir, `${user}.out`);
  const options = tls ? 'ssl no sslcertck' : "sslproto ''";
  await writeFile(
    rc,
    `set no bouncemail\npoll 127.0.0.1 protocol IMAP port ${d.port('imap', tls)} auth password\n` +
      `  user "${user}" password "secret" is "${user}" here ${options}\n  mda "/bin/sh -c 'cat >> ${out}'"\n`,
  );
  await chmod(rc, 0o600); // fetchmail refuses a readable rc file
  const env = { ...process.env, HOME: d.dir, FETCHMAILHOME: d.dir };
  const r = await run('fetchmail', ['-f', rc, '-v', '--nosyslog', '--pidfile', path.join(d.dir, `${user}.pid`)], { timeout: 30_000, env });
  return { log: r.stdout, delivered: await readFile(out, 'utf8') };
}

for (const tls of [false, true]) {
  const user = tls ? 'tls' : 'plain';
  test(`fetchmail downloads and deletes every message${tls ? ' over imaps' : ''}`, async () => {
    const root = path.join(d.home(user), 'Maildir');
    await deliverToMaildir(root, 'From: a@example.org\nSubject: one\n\nbody one\n');
    await deliverToMaildir(root, 'From: b@example.org\nSubject: two\n\nbody two\n');
    const { log, delivered } = await fetchmail(user, tls);
    assert.match(log, /2 messages for /);
    assert.match(log, /IMAP< \S+ OK \[READ-WRITE\] /);
    assert.match(log, /normal termination, status 0/);
    assert.match(delivered, /Subject: one\r?\n\r?\nbody one/);
    assert.match(delivered, /Subject: two\r?\n\r?\nbody two/);
    assert.deepEqual(await maildirFiles(root), [], 'fetchmail flagged them \\Deleted and expunged them');
  });
}
