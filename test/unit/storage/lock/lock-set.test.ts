import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLocks, type LockClock } from '../../../../storage/lock/lock-set.js';
import { KeyedMutex } from '../../../../storage/lock/mutex.js';
import { LockError } from '../../../../storage/lock/errors.js';
import { lockfileCmd, pythonHold, pythonProbe, requireTool, runPython, tempMbox } from './helpers.js';

before(() => {
  requireTool('python3');
  requireTool('lockfile', ['-v']);
});

const isInUse = (e: unknown) => e instanceof LockError && e.code === 'InUse';

test('fcntl + dotlock are both held after acquire and both gone after release', async () => {
  const m = await tempMbox();
  const mutex = new KeyedMutex();
  try {
    const set = await acquireLocks(m.file, ['fcntl', 'dotlock'], { exclusive: true, timeoutMs: 1000, mutex });
    assert.equal(await pythonProbe(m.file, 'lockf'), 'busy');
    assert.notEqual(await lockfileCmd(['-r0', `${m.file}.lock`]), 0);
    await set.release();
    await set.release();
    assert.equal(await pythonProbe(m.file, 'lockf'), 'free');
    assert.deepEqual(await readdir(m.dir), ['inbox']);
    assert.equal(mutex.activeKeys, 0);
  } finally {
    await m.cleanup();
  }
});

test('with a foreign dotlock held we keep retrying without holding fcntl, and succeed once it is removed', async () => {
  const m = await tempMbox();
  try {
    assert.equal(await lockfileCmd(['-r0', `${m.file}.lock`]), 0);
    const busy: string[] = [];
    const pending = acquireLocks(m.file, ['fcntl', 'dotlock'], { exclusive: true, timeoutMs: 20_000, onBusy: (k) => busy.push(k) });
    // A classic fcntl user blocking on the file (as Postfix local would) must get it while we
    // wait for the dotlock: if we held fcntl meanwhile it would time out (alarm) and fail.
    const got = await runPython(
      `import fcntl, os, signal, sys
signal.alarm(10)
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
print('got')
fcntl.lockf(fd, fcntl.LOCK_UN)`,
      [m.file],
    );
    assert.equal(got, 'got');
    assert.ok(busy.length > 0 && busy.every((k) => k === 'dotlock'), `busy kinds: ${busy}`);
    await unlink(`${m.file}.lock`);
    const set = await pending;
    assert.equal(await pythonProbe(m.file, 'lockf'), 'busy');
    await set.release();
  } finally {
    await m.cleanup();
  }
});

test('a foreign dotlock that stays makes acquire fail with InUse at the deadline, holding nothing', async () => {
  const m = await tempMbox();
  try {
    assert.equal(await lockfileCmd(['-r0', `${m.file}.lock`]), 0);
    await assert.rejects(acquireLocks(m.file, ['fcntl', 'dotlock'], { exclusive: true, timeoutMs: 300 }), isInUse);
    assert.equal(await pythonProbe(m.file, 'lockf'), 'free');
  } finally {
    await m.cleanup();
  }
});

test('in procmail order (dotlock first) a foreign fcntl holder does not make us sit on the dotlock', async (t) => {
  const m = await tempMbox();
  try {
    const holder = await pythonHold(m.file, 'lockf');
    t.after(() => holder.release().catch(() => undefined));
    const pending = acquireLocks(m.file, ['dotlock', 'fcntl'], { exclusive: true, timeoutMs: 20_000 });
    // Another dotlock user polls O_EXCL creation; it must find the lock free between our rounds.
    const res = await runPython(
      `import os, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        os.close(os.open(sys.argv[1], os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        os.unlink(sys.argv[1])
        print('created'); break
    except FileExistsError:
        time.sleep(0.002)
else:
    print('never free')`,
      [`${m.file}.lock`],
    );
    assert.equal(res, 'created');
    await holder.release();
    const set = await pending;
    await set.release();
  } finally {
    await m.cleanup();
  }
});

test('back-off grows, is jittered within [d/2, d], is capped, and stops exactly at the deadline', async (tc) => {
  const m = await tempMbox();
  let t = 0;
  const sleeps: number[] = [];
  const clock: LockClock = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
  try {
    const holder = await pythonHold(m.file, 'lockf');
    tc.after(() => holder.release().catch(() => undefined));
    await assert.rejects(
      acquireLocks(m.file, ['fcntl'], { exclusive: true, timeoutMs: 1000, clock, initialBackoffMs: 4, maxBackoffMs: 100 }),
      isInUse,
    );
    await holder.release();
    let d = 4;
    for (let i = 0; i < sleeps.length - 1; i++) {
      assert.ok(sleeps[i] >= d / 2 && sleeps[i] <= d, `sleep ${i} = ${sleeps[i]} not in [${d / 2}, ${d}]`);
      d = Math.min(100, d * 2);
    }
    assert.equal(t, 1000, 'the last sleep is cut to the deadline');
    assert.ok(sleeps.length > 10);
  } finally {
    await m.cleanup();
  }
});

test('two acquirers in this process are serialised by the mutex (same file through a symlink)', async () => {
  const m = await tempMbox();
  const mutex = new KeyedMutex();
  try {
    const alias = join(m.dir, 'alias');
    await symlink(m.file, alias);
    const first = await acquireLocks(m.file, ['fcntl', 'dotlock'], { exclusive: true, timeoutMs: 1000, mutex });
    const busy: string[] = [];
    let secondDone = false;
    const second = acquireLocks(alias, ['fcntl', 'dotlock'], { exclusive: true, timeoutMs: 5000, mutex, onBusy: (k) => busy.push(k) }).then((s) => {
      secondDone = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(secondDone, false);
    assert.deepEqual(busy, [], 'the second waits in the mutex queue instead of fighting over file locks');
    await first.release();
    const s2 = await second;
    assert.equal(s2.realPath, first.realPath);
    await s2.release();
    assert.equal(mutex.activeKeys, 0);
  } finally {
    await m.cleanup();
  }
});

test('shared acquisitions in this process run together', async () => {
  const m = await tempMbox();
  const mutex = new KeyedMutex();
  try {
    const [a, b] = await Promise.all([
      acquireLocks(m.file, ['fcntl'], { exclusive: false, timeoutMs: 0, mutex }),
      acquireLocks(m.file, ['fcntl'], { exclusive: false, timeoutMs: 0, mutex }),
    ]);
    assert.equal(await pythonProbe(m.file, 'lockf', 'sh'), 'free');
    assert.equal(await pythonProbe(m.file, 'lockf', 'ex'), 'busy');
    await a.release();
    await b.release();
  } finally {
    await m.cleanup();
  }
});

test('aborting a waiting acquire rejects with the reason and holds nothing', async (t) => {
  const m = await tempMbox();
  const mutex = new KeyedMutex();
  try {
    const holder = await pythonHold(m.file, 'lockf');
    t.after(() => holder.release().catch(() => undefined));
    const ac = new AbortController();
    const p = acquireLocks(m.file, ['dotlock', 'fcntl'], {
      exclusive: true,
      timeoutMs: 20_000,
      signal: ac.signal,
      mutex,
      onBusy: () => ac.abort(new Error('session closed')),
    });
    await assert.rejects(p, /session closed/);
    assert.deepEqual(await readdir(m.dir), ['inbox']);
    assert.equal(mutex.activeKeys, 0);
  } finally {
    await m.cleanup();
  }
});

test('bad arguments are clear errors: unknown or repeated kinds, missing directory', async () => {
  const m = await tempMbox();
  try {
    await assert.rejects(acquireLocks(m.file, ['fcntl', 'fcntl'], { exclusive: true, timeoutMs: 0 }), RangeError);
    await assert.rejects(acquireLocks(m.file, ['lockf' as never], { exclusive: true, timeoutMs: 0 }), RangeError);
    await assert.rejects(acquireLocks(m.file, ['fcntl'], { exclusive: true, timeoutMs: -1 }), RangeError);
    await assert.rejects(
      acquireLocks(join(m.dir, 'missing', 'inbox'), ['dotlock'], { exclusive: true, timeoutMs: 0 }),
      (e: unknown) => e instanceof LockError && e.code === 'NotFound',
    );
  } finally {
    await m.cleanup();
  }
});

test('the flock kind joins a lock set and is seen by foreign flock users', async () => {
  const m = await tempMbox();
  const mutex = new KeyedMutex();
  try {
    const set = await acquireLocks(m.file, ['flock', 'fcntl'], { exclusive: true, timeoutMs: 1000, mutex });
    assert.equal(await pythonProbe(m.file, 'flock'), 'busy');
    assert.equal(await pythonProbe(m.file, 'lockf'), 'busy');
    await set.release();
    assert.equal(await pythonProbe(m.file, 'flock'), 'free');
    assert.equal(await pythonProbe(m.file, 'lockf'), 'free');
  } finally {
    await m.cleanup();
  }
});

test('shared acquisitions that include a dotlock queue in the mutex instead of fighting over it', async () => {
  const m = await tempMbox();
  const mutex = new KeyedMutex();
  try {
    const busy: string[] = [];
    const opts = { exclusive: false, timeoutMs: 5000, mutex, onBusy: (k: string) => busy.push(k) };
    const a = await acquireLocks(m.file, ['fcntl', 'dotlock'], opts);
    const pb = acquireLocks(m.file, ['fcntl', 'dotlock'], opts);
    await new Promise((r) => setTimeout(r, 50));
    await a.release();
    await (await pb).release();
    assert.deepEqual(busy, []);
  } finally {
    await m.cleanup();
  }
});
