// Interop with maildir-utils (mu): after inboxd sets flags, mu indexes the Maildir and finds the
// messages by those flags (mu reads the `:2,` letters of the file names).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openMailStore } from '../../storage/store.js';
import { silentLogger } from '../../src/log.js';
import { requireProgram } from './maildir-helpers.js';

const run = promisify(execFile);

async function mu(muhome: string, ...args: string[]): Promise<string> {
  try {
    return (await run('mu', [...args.slice(0, 1), `--muhome=${muhome}`, ...args.slice(1)], { env: { ...process.env, HOME: muhome } })).stdout;
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    // `mu find` exits 4 when nothing matches.
    if (e.code === 4) return '';
    throw new Error(`mu ${args.join(' ')} failed: ${e.stderr ?? String(err)}`, { cause: err });
  }
}

test('mu finds by flag the messages inboxd flagged, read and trashed', async () => {
  requireProgram('/usr/bin/mu', 'maildir-utils');
  const home = await mkdtemp(join(tmpdir(), 'inboxd-'));
  try {
    const store = await openMailStore({ username: 'u', home, extra: {} }, 'maildir:~/Maildir', { log: silentLogger() });
    const box = await store.open('INBOX');
    const tx = box.begin();
    for (const s of ['alpha', 'beta', 'gamma']) tx.append(Buffer.from(`From: x@example.org\nSubject: ${s}\nMessage-ID: <${s}@example.org>\n\n${s}\n`));
    const { appended } = await tx.commit();
    await box.sync();
    const t2 = box.begin();
    t2.setFlags([appended[0]], 'add', { flags: { flagged: true, seen: true } });
    t2.setFlags([appended[1]], 'add', { flags: { seen: true, deleted: true } });
    await t2.commit();
    await box.sync();
    const muhome = join(home, 'mu');
    await mu(muhome, 'init', `--maildir=${join(home, 'Maildir')}`);
    await mu(muhome, 'index');
    const subjects = async (q: string) =>
      (await mu(muhome, 'find', '--fields=s', q))
        .split('\n')
        .filter(Boolean)
        .sort();
    assert.deepEqual(await subjects('flag:flagged'), ['alpha']);
    assert.deepEqual(await subjects('flag:trashed'), ['beta']);
    assert.deepEqual(await subjects('flag:unread'), ['gamma']);
    await box.close();
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
