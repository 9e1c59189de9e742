import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { CryptBusyError, CryptPool, CryptPoolError, createCryptWorker } from '../../../../src/auth/crypt-pool.js';
import { checkPassword } from '../../../../src/auth/schemes.js';
import { cryptKind } from '../../../../src/auth/crypt-sync.js';
import { md5Crypt } from '../../../../src/auth/md5-crypt.js';
import { mkpasswd } from './tools.js';

test('hashes and verifies each crypt kind in worker threads', async () => {
  const pool = new CryptPool({ size: 2 });
  try {
    for (const [kind, rounds, prefix] of [
      ['md5', undefined, '$1$'],
      ['sha256', undefined, '$5$'],
      ['sha512', 6000, '$6$rounds=6000$'],
      ['bcrypt', 4, '$2y$04$'],
    ] as const) {
      const h = await pool.hash(kind, 'pw', rounds);
      assert.ok(h.startsWith(prefix), h);
      assert.equal(cryptKind(h), kind);
      assert.equal(await pool.verify(h, 'pw'), true);
      assert.equal(await pool.verify(h, 'pW'), false);
    }
  } finally {
    await pool.close();
  }
});

test('an unsupported or malformed crypt string rejects that job only; the pool keeps working', async () => {
  const pool = new CryptPool({ size: 1 });
  try {
    await assert.rejects(pool.verify('$9$abc$def', 'pw'), /unsupported crypt prefix/);
    await assert.rejects(pool.verify('$6$', 'pw'), /malformed/);
    const h = await pool.hash('sha512', 'pw');
    assert.equal(await pool.verify(h, 'pw'), true);
  } finally {
    await pool.close();
  }
});

test('jobs beyond the queue limit are refused with CryptBusyError, queued ones complete', async () => {
  const pool = new CryptPool({ size: 1, maxQueue: 2 });
  try {
    const h = await pool.hash('sha256', 'pw');
    const jobs = [pool.verify(h, 'pw'), pool.verify(h, 'pw'), pool.verify(h, 'x')];
    await assert.rejects(pool.verify(h, 'pw'), CryptBusyError);
    assert.deepEqual(await Promise.all(jobs), [true, true, false]);
  } finally {
    await pool.close();
  }
});

test('close rejects waiting jobs and later calls', async () => {
  const pool = new CryptPool({ size: 1 });
  const h = await pool.hash('sha512', 'pw');
  const running = assert.rejects(pool.verify(h, 'pw'), /closed/);
  const waiting = assert.rejects(pool.verify(h, 'pw'), /closed/);
  await pool.close();
  await running;
  await waiting;
  await assert.rejects(pool.verify(h, 'pw'), /closed/);
});

test('md5Crypt reproduces libxcrypt MD5-crypt for short, long, empty and non-ASCII passwords', () => {
  for (const pw of ['', 'a', 'sixteen-bytes-pw', 'a password longer than sixteen bytes', 'pässwörd']) {
    const ref = mkpasswd('md5crypt', pw);
    assert.equal(md5Crypt(pw, ref), ref);
    assert.notEqual(md5Crypt(`${pw}x`, ref), ref);
  }
});

test('a worker that dies fails its job only; the next job runs on a fresh worker', async () => {
  let started = 0;
  const pool = new CryptPool({
    size: 1,
    createWorker: () => {
      started++;
      // The first worker crashes on its first job; later ones are real crypt workers.
      if (started === 1) return new Worker("require('node:worker_threads').parentPort.on('message', () => process.exit(7));", { eval: true });
      return createCryptWorker();
    },
  });
  try {
    const h = mkpasswd('sha-256', 'pw');
    const lost = assert.rejects(pool.verify(h, 'pw'), /exited with code 7/);
    const queued = pool.verify(h, 'pw');
    await lost;
    assert.equal(await queued, true);
    assert.equal(await pool.verify(h, 'nope'), false);
    assert.equal(started, 2);
  } finally {
    await pool.close();
  }
});

test('checkPassword passes pool failures on instead of calling them a wrong password', async () => {
  const pool = new CryptPool({ size: 1 });
  await pool.close();
  await assert.rejects(checkPassword(mkpasswd('sha-512', 'pw'), 'pw', pool), CryptPoolError);
  // Bad hash data, by contrast, is a failed check with a reason.
  const live = new CryptPool({ size: 1 });
  try {
    const r = await checkPassword('$6$', 'pw', live);
    assert.equal(r.ok, false);
    assert.match(r.reason ?? '', /malformed/);
  } finally {
    await live.close();
  }
});
