import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tryFlockLock } from '../../../../storage/lock/flock-lock.js';
import { tryFcntlLock } from '../../../../storage/lock/fcntl-lock.js';
import { pythonHold, pythonProbe, requireTool, tempMbox } from './helpers.js';

before(() => {
  requireTool('python3');
  requireTool('flock');
});

test('a flock held by another process makes our flock try fail until released', async () => {
  const m = await tempMbox();
  try {
    const holder = await pythonHold(m.file, 'flock', 'ex');
    assert.equal(await tryFlockLock(m.file, true), null);
    await holder.release();
    const ours = await tryFlockLock(m.file, true);
    assert.ok(ours);
    await ours.release();
  } finally {
    await m.cleanup();
  }
});

test('our flock stays held after the helper child exits and is freed by release', async () => {
  const m = await tempMbox();
  try {
    const ours = await tryFlockLock(m.file, true);
    assert.ok(ours);
    assert.equal(await pythonProbe(m.file, 'flock', 'ex'), 'busy');
    assert.equal(await pythonProbe(m.file, 'flock', 'sh'), 'busy');
    await ours.release();
    await ours.release();
    assert.equal(await pythonProbe(m.file, 'flock', 'ex'), 'free');
  } finally {
    await m.cleanup();
  }
});

test('shared flocks coexist', async () => {
  const m = await tempMbox();
  try {
    const a = await tryFlockLock(m.file, false);
    assert.ok(a);
    assert.equal(await pythonProbe(m.file, 'flock', 'sh'), 'free');
    assert.equal(await pythonProbe(m.file, 'flock', 'ex'), 'busy');
    await a.release();
  } finally {
    await m.cleanup();
  }
});

test('flock and fcntl locks are independent on a local filesystem (why both kinds exist)', async () => {
  const m = await tempMbox();
  try {
    const holder = await pythonHold(m.file, 'flock', 'ex');
    const f = await tryFcntlLock(m.file, true);
    assert.ok(f, 'a foreign flock does not block an fcntl lock');
    await f.release();
    await holder.release();
  } finally {
    await m.cleanup();
  }
});
