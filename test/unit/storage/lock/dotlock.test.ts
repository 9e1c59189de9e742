import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, readdir, readFile, stat, utimes, writeFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tryDotlock } from '../../../../storage/lock/dotlock.js';
import { LockError } from '../../../../storage/lock/errors.js';
import { lockfileCmd, requireTool, tempMbox } from './helpers.js';

before(() => requireTool('lockfile', ['-v']));

const ago = (s: number) => new Date(Date.now() - s * 1000);

test('a dotlock taken by procmail lockfile(1) makes ours busy; after it is removed ours succeeds', async () => {
  const m = await tempMbox();
  try {
    assert.equal(await lockfileCmd(['-r0', `${m.file}.lock`]), 0);
    assert.equal(await tryDotlock(m.file), null);
    await unlink(`${m.file}.lock`);
    const ours = await tryDotlock(m.file);
    assert.ok(ours);
    assert.equal(await readFile(`${m.file}.lock`, 'utf8'), `${process.pid}\n`, 'lock content is our pid, as liblockfile writes it');
    assert.deepEqual((await readdir(m.dir)).sort(), ['inbox', 'inbox.lock'], 'the .lk temp file is removed');
    await ours.release();
  } finally {
    await m.cleanup();
  }
});

test('while we hold the dotlock lockfile -r0 fails; after release it succeeds', async () => {
  const m = await tempMbox();
  try {
    const ours = await tryDotlock(m.file);
    assert.ok(ours);
    assert.notEqual(await lockfileCmd(['-r0', `${m.file}.lock`]), 0);
    await ours.release();
    await ours.release(); // idempotent
    assert.deepEqual(await readdir(m.dir), ['inbox']);
    assert.equal(await lockfileCmd(['-r0', `${m.file}.lock`]), 0);
  } finally {
    await m.cleanup();
  }
});

test('a lock older than staleMs by mtime is removed and taken; a younger one is respected', async () => {
  const m = await tempMbox();
  const lock = `${m.file}.lock`;
  try {
    assert.equal(await lockfileCmd(['-r0', lock]), 0);
    await utimes(lock, ago(200), ago(200));
    assert.equal(await tryDotlock(m.file, { staleMs: 300_000 }), null, '200 s old is not stale at 300 s');
    await utimes(lock, ago(301), ago(301));
    const ours = await tryDotlock(m.file, { staleMs: 300_000 });
    assert.ok(ours, 'a 301 s old lock is stale');
    assert.equal(await readFile(lock, 'utf8'), `${process.pid}\n`);
    await ours.release();
  } finally {
    await m.cleanup();
  }
});

test('the stale test can use an injected clock', async () => {
  const m = await tempMbox();
  try {
    await writeFile(`${m.file}.lock`, '0');
    const mtime = (await stat(`${m.file}.lock`)).mtimeMs;
    assert.equal(await tryDotlock(m.file, { staleMs: 1000, now: () => mtime + 1000 }), null);
    const ours = await tryDotlock(m.file, { staleMs: 1000, now: () => mtime + 1001 });
    assert.ok(ours);
    await ours.release();
  } finally {
    await m.cleanup();
  }
});

test('touch() refreshes the mtime of a held lock; the timer touches it on its own', async () => {
  const m = await tempMbox();
  const lock = `${m.file}.lock`;
  try {
    const ours = await tryDotlock(m.file, { touchIntervalMs: 0 });
    assert.ok(ours);
    await utimes(lock, ago(1000), ago(1000));
    assert.equal(await ours.touch(), true);
    assert.ok(Date.now() - (await stat(lock)).mtimeMs < 60_000);
    await ours.release();

    const timed = await tryDotlock(m.file, { touchIntervalMs: 10 });
    assert.ok(timed);
    await utimes(lock, ago(1000), ago(1000));
    const until = Date.now() + 5000;
    while (Date.now() - (await stat(lock)).mtimeMs > 60_000) {
      assert.ok(Date.now() < until, 'the touch timer never refreshed the lock');
      await new Promise((r) => setTimeout(r, 10));
    }
    await timed.release();
  } finally {
    await m.cleanup();
  }
});

test('release and touch leave alone a lock that is no longer ours', async () => {
  const m = await tempMbox();
  const lock = `${m.file}.lock`;
  try {
    const ours = await tryDotlock(m.file, { touchIntervalMs: 0 });
    assert.ok(ours);
    await unlink(lock); // e.g. broken as stale by someone else...
    assert.equal(await lockfileCmd(['-r0', lock]), 0); // ...who then took it
    assert.equal(await ours.touch(), false);
    assert.equal(ours.lost, true);
    await ours.release();
    assert.equal(await readFile(lock, 'utf8'), '0', "procmail's lock survives our release");
  } finally {
    await m.cleanup();
  }
});

test('a missing spool directory is NotFound', async () => {
  const m = await tempMbox();
  try {
    await assert.rejects(tryDotlock(join(m.dir, 'no', 'inbox')), (e: unknown) => e instanceof LockError && e.code === 'NotFound');
  } finally {
    await m.cleanup();
  }
});

test('no write access to the spool directory is a Perm error naming the directory', async () => {
  const m = await tempMbox();
  try {
    if (process.getuid?.() === 0) {
      // root ignores modes: try as nobody in a child, in our own temp dir made traversable.
      await chmod(m.dir, 0o755);
      const code = `import { tryDotlock } from ${JSON.stringify(new URL('../../../../storage/lock/dotlock.ts', import.meta.url).pathname)};
        try { await tryDotlock(${JSON.stringify(m.file)}); console.log('acquired'); } catch (e) { console.log(e.name, e.code, e.message); }`;
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', code], {
        encoding: 'utf8',
        cwd: process.cwd(),
      });
      assert.equal(r.error, undefined, 'setpriv (util-linux) is needed to test as an unprivileged user');
      assert.match(r.stdout, /^LockError Perm .*permission denied/m, r.stdout + r.stderr);
      assert.ok(r.stdout.includes(m.dir));
    } else {
      await chmod(m.dir, 0o555);
      await assert.rejects(tryDotlock(m.file), (e: unknown) => e instanceof LockError && e.code === 'Perm' && e.message.includes(m.dir));
      await chmod(m.dir, 0o700);
    }
    assert.deepEqual(await readdir(m.dir), ['inbox']);
  } finally {
    await m.cleanup();
  }
});
