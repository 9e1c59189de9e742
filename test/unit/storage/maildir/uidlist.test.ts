import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, utimes, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockUidlist, parseUidlist, readUidlist, serializeUidlist } from '../../../../storage/maildir/uidlist.js';
import { isMailError } from '../../../../storage/errors.js';

test('parses a Dovecot v3 uidlist with extension fields; next UID covers appended records', () => {
  const text = '3 V1795322974 N1 Ga4aef50a5e74026bf743000083ecc375\n1 :1795322974.M183524P17399.vm,S=28,W=32\n2 W99 S98 :1795322999.M1P2.vm:2,S\n';
  const l = parseUidlist(text);
  assert.equal(l.uidValidity, 1795322974);
  assert.equal(l.nextUid, 3);
  assert.equal(l.guid, 'a4aef50a5e74026bf743000083ecc375');
  assert.deepEqual(l.records[1], { uid: 2, ext: ['W99', 'S98'], name: '1795322999.M1P2.vm:2,S', base: '1795322999.M1P2.vm' });
  assert.equal(serializeUidlist(l), '3 V1795322974 N3 Ga4aef50a5e74026bf743000083ecc375\n1 :1795322974.M183524P17399.vm,S=28,W=32\n2 W99 S98 :1795322999.M1P2.vm:2,S\n');
});

test('reads version 1 and skips non-ascending or malformed records', () => {
  const l = parseUidlist('1 12345 10\n3 a.host\n2 b.host\ngarbage\n7 c.host:2,F\n');
  assert.equal(l.uidValidity, 12345);
  assert.equal(l.nextUid, 10);
  assert.deepEqual(l.records.map((r) => [r.uid, r.base]), [[3, 'a.host'], [7, 'c.host']]);
});

test('a bad header is Corrupt', () => {
  for (const t of ['', '9 V1 N1', '3 V0 N1', '3 Vx N2', '1 abc 1']) {
    assert.throws(() => parseUidlist(t), (e) => isMailError(e, 'Corrupt'), t);
  }
});

test('courierimapuiddb is read when there is no dovecot-uidlist', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    assert.equal(await readUidlist(dir), null);
    await writeFile(join(dir, 'courierimapuiddb'), '1 777 5\n4 1234.abc.host:2,S\n');
    const l = await readUidlist(dir);
    assert.equal(l?.uidValidity, 777);
    assert.deepEqual(l?.records.map((r) => r.uid), [4]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the lock is exclusive, times out with InUse, and write() renames the lock file into place', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const a = await lockUidlist(dir, { timeoutMs: 50, staleMs: 60_000 });
    await assert.rejects(lockUidlist(dir, { timeoutMs: 50, staleMs: 60_000 }), (e) => isMailError(e, 'InUse'));
    await a.write({ uidValidity: 5, nextUid: 2, guid: 'g', records: [{ uid: 1, ext: [], name: 'x:2,S', base: 'x' }] });
    assert.equal(await readFile(join(dir, 'dovecot-uidlist'), 'utf8'), '3 V5 N2 Gg\n1 :x:2,S\n');
    await assert.rejects(stat(join(dir, 'dovecot-uidlist.lock')), /ENOENT/);
    const b = await lockUidlist(dir, { timeoutMs: 50, staleMs: 60_000 });
    await b.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a stale lock left by a crash is broken', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    await writeFile(join(dir, 'dovecot-uidlist.lock'), '');
    const old = new Date(Date.now() - 600_000);
    await utimes(join(dir, 'dovecot-uidlist.lock'), old, old);
    const l = await lockUidlist(dir, { timeoutMs: 50, staleMs: 120_000 });
    await l.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
