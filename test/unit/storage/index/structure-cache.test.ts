import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StructureCache } from '../../../../storage/index/structure-cache.js';
import { parseMessageSync } from '../../../../storage/message/parse-message.js';

const parsed = (s: string) => parseMessageSync(Buffer.from(s));

test('entries survive a reload; torn lines and other UIDVALIDITYs are ignored', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const a = new StructureCache(dir, 10);
    await a.put(1, parsed('Subject: one\n\nx\n'));
    await a.put(2, parsed('Subject: two\n\ny\n'));
    await appendFile(join(dir, 'inboxd.cache'), '{"v":10,"u":3,"p":{"si');
    const b = new StructureCache(dir, 10);
    assert.equal((await b.get(1))?.envelope.subject, 'one');
    assert.equal((await b.get(2))?.envelope.subject, 'two');
    assert.equal(await b.get(3), undefined);
    const c = new StructureCache(dir, 11);
    assert.equal(await c.get(1), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('prune compacts the file when most entries are dead and resets on a new UIDVALIDITY', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const c = new StructureCache(dir, 1);
    const p = parsed('Subject: s\n\nb\n');
    for (let uid = 1; uid <= 100; uid++) await c.put(uid, p);
    await c.prune((uid) => uid > 90, 1);
    const lines = (await readFile(join(dir, 'inboxd.cache'), 'utf8')).split('\n').filter(Boolean);
    assert.equal(lines.length, 10);
    assert.equal((await new StructureCache(dir, 1).get(95))?.size, p.size);
    await c.prune(() => true, 2);
    assert.equal(await readFile(join(dir, 'inboxd.cache'), 'utf8'), '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
