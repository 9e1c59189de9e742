// Locking interop with Debian's dovecot-lda (mbox_write_locks = fcntl dotlock, its own order):
// it must wait while we hold our lock set, and deliver once we release it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLocks, type LockKind } from '../../../../storage/lock/lock-set.js';
import { scanMbox } from '../../../../storage/mbox/scanner.js';
import { tempMbox } from './helpers.js';

const LDA = '/usr/lib/dovecot/dovecot-lda';

function deliver(dir: string, conf: string, message: string): { done: Promise<void>; exited: () => boolean } {
  const lda = [LDA, '-c', conf, '-f', 'sender@example.org'];
  const cmd = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', 'USER=nobody', ...lda] : lda;
  const child = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, HOME: dir }, stdio: ['pipe', 'ignore', 'pipe'] });
  let exited = false;
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done: Promise<void> = new Promise<void>((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`cannot run ${cmd[0]} (package dovecot-core): ${e.message}`)));
    child.on('close', (code) => {
      exited = true;
      if (code === 0) resolve();
      else reject(new Error(`dovecot-lda exited ${code}: ${stderr}`));
    });
  });
  child.stdin.end(message);
  done.catch(() => undefined); // observed by the test after release; avoid an unhandled rejection meanwhile
  return { done, exited: () => exited };
}

for (const [ours, theirs] of [
  [['fcntl'], 'fcntl'],
  [['fcntl', 'dotlock'], 'dotlock'],
  [['fcntl', 'dotlock'], 'fcntl dotlock'],
] as [LockKind[], string][]) {
  test(`dovecot-lda (mbox_write_locks = ${theirs}) waits while we hold ${ours.join(' + ')}`, async () => {
    const m = await tempMbox('');
    try {
      const conf = join(m.dir, 'dovecot.conf');
      await writeFile(conf, `mail_location = mbox:${m.dir}/mail:INBOX=${m.file}\nssl = no\nlog_path = ${m.dir}/lda.log\nmbox_read_locks = ${theirs}\nmbox_write_locks = ${theirs}\nmbox_lock_timeout = 30s\n`);
      await chmod(m.dir, 0o777);
      await chmod(m.file, 0o666);
      const set = await acquireLocks(m.file, ours, { exclusive: true, timeoutMs: 1000 });
      const p = deliver(m.dir, conf, 'Subject: waiting\n\nbody\n');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(p.exited(), false, 'dovecot-lda must be waiting for our lock');
      assert.equal((await readFile(m.file)).length, 0, 'nothing written while we hold the lock');
      await set.release();
      const failure = await p.done.then(() => null, (e: Error) => e);
      assert.equal(failure, null, `${failure?.message}\n${await readFile(join(m.dir, 'lda.log'), 'utf8').catch(() => '')}`);
      const r = await scanMbox(m.file);
      assert.equal(r.messages.length, 1);
    } finally {
      await m.cleanup();
    }
  });
}
