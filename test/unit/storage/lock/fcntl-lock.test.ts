import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tryFcntlLock } from '../../../../storage/lock/fcntl-lock.js';
import { LockError } from '../../../../storage/lock/errors.js';
import { pythonHold, pythonProbe, requireTool, tempMbox } from './helpers.js';

before(() => requireTool('python3'));

test('a classic POSIX lock held by another process (python lockf) makes our fcntl try fail until released', async () => {
  const m = await tempMbox();
  try {
    const holder = await pythonHold(m.file, 'lockf', 'ex');
    assert.equal(await tryFcntlLock(m.file, true), null);
    assert.equal(await tryFcntlLock(m.file, false), null, 'a shared lock conflicts with a foreign exclusive one');
    await holder.release();
    const ours = await tryFcntlLock(m.file, true);
    assert.ok(ours, 'lock must be free after the foreign holder released it');
    await ours.release();
  } finally {
    await m.cleanup();
  }
});

test('our exclusive fcntl (OFD) lock is seen by a classic lockf user, and freed by release', async () => {
  const m = await tempMbox();
  try {
    const ours = await tryFcntlLock(m.file, true);
    assert.ok(ours);
    assert.equal(await pythonProbe(m.file, 'lockf', 'ex'), 'busy');
    assert.equal(await pythonProbe(m.file, 'lockf', 'sh'), 'busy');
    await ours.release();
    await ours.release(); // idempotent
    assert.equal(await pythonProbe(m.file, 'lockf', 'ex'), 'free');
  } finally {
    await m.cleanup();
  }
});

test('shared fcntl locks coexist with foreign shared locks but block foreign exclusive ones', async () => {
  const m = await tempMbox();
  try {
    const holder = await pythonHold(m.file, 'lockf', 'sh');
    const ours = await tryFcntlLock(m.file, false);
    assert.ok(ours, 'two readers may share');
    assert.equal(await tryFcntlLock(m.file, true), null, 'a writer must wait for readers');
    await holder.release();
    assert.equal(await pythonProbe(m.file, 'lockf', 'ex'), 'busy');
    await ours.release();
  } finally {
    await m.cleanup();
  }
});

test('two descriptors in this process conflict (OFD semantics), so in-process users need the mutex', async () => {
  const m = await tempMbox();
  try {
    const a = await tryFcntlLock(m.file, true);
    assert.ok(a);
    assert.equal(await tryFcntlLock(m.file, true), null);
    await a.release();
  } finally {
    await m.cleanup();
  }
});

test('locking a missing file reports NotFound, not a crash', async () => {
  const m = await tempMbox();
  try {
    await assert.rejects(tryFcntlLock(`${m.dir}/nope`, true), (e: unknown) => e instanceof LockError && e.code === 'NotFound');
  } finally {
    await m.cleanup();
  }
});
