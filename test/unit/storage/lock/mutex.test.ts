import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedMutex } from '../../../../storage/lock/mutex.js';
import { LockError } from '../../../../storage/lock/errors.js';

const tick = () => new Promise((r) => setImmediate(r));

test('a second exclusive acquirer waits until the first releases', async () => {
  const m = new KeyedMutex();
  const r1 = await m.acquire('/a');
  let got = false;
  const p2 = m.acquire('/a').then((r) => {
    got = true;
    return r;
  });
  await tick();
  assert.equal(got, false);
  r1();
  const r2 = await p2;
  assert.equal(got, true);
  r2();
  assert.equal(m.activeKeys, 0, 'idle keys are dropped');
});

test('different keys do not block each other', async () => {
  const m = new KeyedMutex();
  const a = await m.acquire('/a');
  const b = await m.acquire('/b', { timeoutMs: 0 });
  a();
  b();
});

test('readers share, a writer waits for all readers, and a later reader queues behind the writer', async () => {
  const m = new KeyedMutex();
  const order: string[] = [];
  const r1 = await m.acquire('/a', { exclusive: false });
  const r2 = await m.acquire('/a', { exclusive: false });
  const w = m.acquire('/a', { exclusive: true }).then((rel) => (order.push('w'), rel));
  const r3 = m.acquire('/a', { exclusive: false }).then((rel) => (order.push('r3'), rel));
  await tick();
  assert.deepEqual(order, []);
  r1();
  await tick();
  assert.deepEqual(order, []);
  r2();
  const wr = await w;
  await tick();
  assert.deepEqual(order, ['w'], 'fifo: the reader after the writer does not overtake it');
  wr();
  (await r3)();
  assert.deepEqual(order, ['w', 'r3']);
});

test('a wait past timeoutMs fails with InUse and leaves the queue usable', async () => {
  const m = new KeyedMutex();
  const r1 = await m.acquire('/a');
  await assert.rejects(m.acquire('/a', { timeoutMs: 0 }), (e: unknown) => e instanceof LockError && e.code === 'InUse');
  await assert.rejects(m.acquire('/a', { timeoutMs: 5 }), (e: unknown) => e instanceof LockError && e.code === 'InUse');
  const p = m.acquire('/a');
  r1();
  r1(); // double release is harmless
  (await p)();
  assert.equal(m.activeKeys, 0);
});

test('an aborted wait rejects with the reason and lets those behind it proceed', async () => {
  const m = new KeyedMutex();
  const r1 = await m.acquire('/a', { exclusive: false });
  const ac = new AbortController();
  const waitingWriter = m.acquire('/a', { signal: ac.signal });
  const reader = m.acquire('/a', { exclusive: false });
  ac.abort(new Error('client gone'));
  await assert.rejects(waitingWriter, /client gone/);
  (await reader)();
  r1();
  assert.equal(m.activeKeys, 0);
});
