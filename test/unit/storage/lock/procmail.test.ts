// Locking interop with a real delivery agent: procmail (`:0:` takes <folder>.lock, then kernel
// locks on the folder) must wait for our lock set, and we must wait for its lock.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLocks } from '../../../../storage/lock/lock-set.js';
import { LockError } from '../../../../storage/lock/errors.js';
import { scanMbox } from '../../../../storage/mbox/scanner.js';
import { requireTool, tempMbox } from './helpers.js';

before(() => requireTool('procmail', ['-v']));

/** Starts procmail delivering `message` with `rc` (as nobody when we are root); resolves on exit. */
function procmail(dir: string, rcPath: string, message: string): { done: Promise<number>; exited: () => boolean } {
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'procmail', '-m', rcPath] : ['procmail', '-m', rcPath];
  const child = spawn(cmd[0], cmd.slice(1), { env: { ...process.env, HOME: dir }, stdio: ['pipe', 'ignore', 'pipe'] });
  let exited = false;
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', (e) => reject(new Error(`cannot run ${cmd[0]}: ${e.message}`)));
    child.on('close', (code) => {
      exited = true;
      if (code !== 0) reject(new Error(`procmail exited ${code}: ${stderr}`));
      else resolve(code);
    });
  });
  child.stdin.end(message);
  return { done, exited: () => exited };
}

/** A spool dir procmail (as nobody) may write to, with an rc file it accepts (not in a world-writable dir). */
async function setup(recipe: (inbox: string) => string) {
  const m = await tempMbox('');
  await chmod(m.dir, 0o777);
  await chmod(m.file, 0o666);
  const etc = join(m.dir, 'etc');
  await mkdir(etc, { mode: 0o755 });
  const rc = join(etc, 'rc');
  await writeFile(rc, `SHELL=/bin/sh\nLOCKSLEEP=1\nLOGFILE=${m.dir}/procmail.log\n${recipe(m.file)}`, { mode: 0o644 });
  return { ...m, rc };
}

const MESSAGE = 'From sender@example.org Thu Nov 19 10:20:30 2026\nSubject: via procmail\n\nhello\n\nFrom inner@example.org Thu Nov 19 10:20:30 2026\n';

test('procmail waits while we hold fcntl + dotlock and delivers after release (quoting >From)', async () => {
  const s = await setup((inbox) => `:0:\n${inbox}\n`);
  try {
    const set = await acquireLocks(s.file, ['fcntl', 'dotlock'], { exclusive: true, timeoutMs: 1000 });
    const p = procmail(s.dir, s.rc, MESSAGE);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(p.exited(), false, 'procmail must still be waiting for our lock');
    assert.equal((await readFile(s.file)).length, 0, 'nothing delivered while we hold the lock');
    await set.release();
    await p.done;
    const r = await scanMbox(s.file);
    assert.equal(r.messages.length, 1);
    const body = (await readFile(s.file)).toString('utf8', r.messages[0].bodyStart, r.messages[0].bodyEnd);
    assert.equal(body, 'hello\n\n>From inner@example.org Thu Nov 19 10:20:30 2026\n');
  } finally {
    await s.cleanup();
  }
});

test('procmail (dotlock + classic fcntl) sees our OFD fcntl lock alone and waits for it', async () => {
  const s = await setup((inbox) => `:0:\n${inbox}\n`);
  try {
    const set = await acquireLocks(s.file, ['fcntl'], { exclusive: true, timeoutMs: 1000 });
    const p = procmail(s.dir, s.rc, MESSAGE);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(p.exited(), false, 'procmail must block in fcntl while our OFD lock is held');
    assert.equal((await readFile(s.file)).length, 0);
    await set.release();
    await p.done;
    assert.equal((await scanMbox(s.file)).messages.length, 1);
  } finally {
    await s.cleanup();
  }
});

test("while procmail holds its dotlock our acquire waits (InUse on a short deadline) and succeeds after it", async () => {
  // A slow delivery: procmail holds inbox.lock while the pipe sleeps, then appends.
  const s = await setup((inbox) => `:0: ${inbox}.lock\n| sleep 2; cat >> ${inbox}\n`);
  try {
    const p = procmail(s.dir, s.rc, MESSAGE);
    const until = Date.now() + 10_000;
    while (!(await readFile(`${s.file}.lock`).then(() => true, () => false))) {
      assert.ok(Date.now() < until, 'procmail never took its lock');
      await new Promise((r) => setTimeout(r, 10));
    }
    await assert.rejects(
      acquireLocks(s.file, ['fcntl', 'dotlock'], { exclusive: true, timeoutMs: 200 }),
      (e: unknown) => e instanceof LockError && e.code === 'InUse',
    );
    const set = await acquireLocks(s.file, ['fcntl', 'dotlock'], { exclusive: true, timeoutMs: 15_000 });
    assert.equal(p.exited() || (await p.done) === 0, true);
    // The pipe appended the raw message (no >From quoting by cat): it is complete already.
    assert.equal(await readFile(s.file, 'utf8'), `${MESSAGE}\n`, 'we got the lock only after the delivery finished (procmail adds the separator line)');
    await set.release();
  } finally {
    await s.cleanup();
  }
});
