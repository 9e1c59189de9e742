// Real delivery agent: Debian's dovecot-lda writes "From " body lines unquoted and relies on
// Content-Length (mboxcl2 style). The scanner must split its files exactly and parse the
// metadata headers it writes (X-IMAPbase, X-UID, Status, X-Keywords padding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scanMbox } from '../../../../storage/mbox/scanner.js';
import { tempDir } from './helpers.js';

const LDA = '/usr/lib/dovecot/dovecot-lda';

/** Delivers `message` into `<dir>/inbox` with dovecot-lda (as nobody when we are root). */
function deliver(dir: string, conf: string, message: string): void {
  const lda = [LDA, '-c', conf, '-f', 'sender@example.org'];
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', 'USER=nobody', `HOME=${dir}`, ...lda] : lda;
  const r = spawnSync(cmd[0], cmd.slice(1), { input: message, encoding: 'utf8', env: { ...process.env, HOME: dir } });
  assert.equal(r.error, undefined, `${cmd[0]} is needed (package dovecot-core): ${r.error?.message}`);
  assert.equal(r.status, 0, `dovecot-lda failed: ${r.stderr}`);
}

test('mbox files written by dovecot-lda (unquoted From lines, Content-Length) split exactly', async () => {
  const d = await tempDir();
  try {
    const inbox = join(d.dir, 'inbox');
    const conf = join(d.dir, 'dovecot.conf');
    await writeFile(inbox, '');
    await writeFile(conf, `mail_location = mbox:${d.dir}/mail:INBOX=${inbox}\nssl = no\nlog_path = ${d.dir}/lda.log\nmbox_write_locks = fcntl\n`);
    // dovecot-lda runs as nobody: let it into our own temp dir.
    await chmod(d.dir, 0o777);
    await chmod(inbox, 0o666);
    const bodies = [
      'first\n',
      'quoting a mail:\n\nFrom someone@example.org Thu Nov 19 10:20:30 2026\nSubject: inner\n\ninner body\n',
      '>From already quoted\n\nFrom another@example.org Fri Jan  2 03:04:05 2026\n\n\n',
      'no final newline',
    ];
    for (const [i, body] of bodies.entries()) deliver(d.dir, conf, `Subject: m${i}\nMessage-ID: <${i}@t>\n\n${body}`);
    const bytes = await readFile(inbox);
    assert.ok(bytes.includes('\n\nFrom someone@example.org Thu Nov 19 10:20:30 2026\n'), 'dovecot-lda left the body From line unquoted');
    const r = await scanMbox(inbox);
    assert.equal(r.leadingGarbage, null);
    assert.equal(r.messages.length, bodies.length);
    for (const [i, m] of r.messages.entries()) {
      assert.equal(m.contentLengthTrusted, true, `message ${i}`);
      assert.equal(m.sender, 'sender@example.org');
      assert.equal(m.uid, i + 1);
      assert.deepEqual(m.keywords, []);
      assert.equal(m.status, '');
      const body = bytes.toString('utf8', m.bodyStart, m.bodyEnd);
      // dovecot-lda adds the missing final newline.
      assert.equal(body, bodies[i].endsWith('\n') ? bodies[i] : `${bodies[i]}\n`, `message ${i}`);
      assert.ok(bytes.toString('latin1', m.headerStart, m.headerEnd).includes(`Subject: m${i}\n`));
    }
    const base = r.messages[0].imapBase;
    assert.ok(base && base.uidValidity > 0 && base.lastUid >= 1, JSON.stringify(base));
    const xk = r.messages[0].fields['x-keywords'];
    assert.ok(xk && /^X-Keywords: +\n$/.test(bytes.toString('latin1', xk.start, xk.end)), 'the padded X-Keywords field range is exact');

    // After another delivery, scanning from the old end yields exactly the appended message.
    deliver(d.dir, conf, 'Subject: appended\n\nnew\n');
    const tail = await scanMbox(inbox, { start: r.end });
    assert.equal(tail.leadingGarbage, null);
    assert.equal(tail.messages.length, 1);
    assert.equal(tail.messages[0].uid, bodies.length + 1);
    const all = await scanMbox(inbox);
    // dovecot-lda rewrites the zero-padded X-IMAPbase last-UID in place, in the same bytes.
    const before = r.messages[0].fields['x-imapbase'];
    const now = all.messages[0].fields['x-imapbase'];
    assert.deepEqual([now?.start, now?.end], [before?.start, before?.end]);
    assert.equal(all.messages[0].imapBase?.lastUid, bodies.length + 1);
    const strip = (ms: typeof r.messages) => ms.map(({ fields: _f, imapBase: _b, ...rest }) => rest);
    assert.deepEqual(strip(all.messages.slice(0, bodies.length)), strip(r.messages), 'appending moved none of the old records');
    assert.deepEqual(all.messages.at(-1), tail.messages[0]);
  } finally {
    await d.cleanup();
  }
});
