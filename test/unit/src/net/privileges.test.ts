import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StartupError } from '../../../../src/errors.js';
import { planPrivilegeDrop, systemLookup, type IdentityLookup } from '../../../../src/net/privileges.js';
import { withTempDir } from './helpers.js';

/** A hung socket must fail the test, not stall the whole suite. */
const TEST_TIMEOUT_MS = 60_000;

const root = { uid: 0, gid: 0 };

test('the system lookup resolves real users and groups by name and by number', { timeout: TEST_TIMEOUT_MS }, () => {
  assert.deepEqual(systemLookup.user('root'), { name: 'root', uid: 0, gid: 0 });
  assert.deepEqual(systemLookup.user('0'), { name: 'root', uid: 0, gid: 0 });
  assert.deepEqual(systemLookup.group('root'), { name: 'root', gid: 0 });
  const nobody = systemLookup.user('nobody');
  assert.equal(nobody?.uid, 65534);
  assert.equal(systemLookup.user('no-such-user-inboxd'), null);
  assert.equal(systemLookup.group('no-such-group-inboxd'), null);
  assert.equal(systemLookup.user('root:x'), null);
  assert.equal(systemLookup.user(''), null);
});

test('empty user and group: nothing to do, as root or not', { timeout: TEST_TIMEOUT_MS }, () => {
  assert.deepEqual(planPrivilegeDrop('', '', root, systemLookup), { kind: 'none' });
  assert.deepEqual(planPrivilegeDrop('', '', { uid: 1000, gid: 1000 }, systemLookup), { kind: 'none' });
});

test('unknown user or group is a StartupError naming the setting', { timeout: TEST_TIMEOUT_MS }, () => {
  assert.throws(() => planPrivilegeDrop('no-such-user-inboxd', '', root, systemLookup), (e: unknown) => e instanceof StartupError && e.message === 'user: no such user "no-such-user-inboxd"');
  assert.throws(() => planPrivilegeDrop('nobody', 'no-such-group-inboxd', root, systemLookup), (e: unknown) => e instanceof StartupError && e.message === 'group: no such group "no-such-group-inboxd"');
});

test('as root: switch to the user, with the given group or the user\'s primary group', { timeout: TEST_TIMEOUT_MS }, () => {
  const nobody = systemLookup.user('nobody');
  assert.ok(nobody);
  assert.deepEqual(planPrivilegeDrop('nobody', '', root, systemLookup), { kind: 'drop', user: nobody, gid: nobody.gid, groupName: String(nobody.gid) });
  assert.deepEqual(planPrivilegeDrop('nobody', 'root', root, systemLookup), { kind: 'drop', user: nobody, gid: 0, groupName: 'root' });
});

test('not root: the current ids are accepted, anything else is a clear error', { timeout: TEST_TIMEOUT_MS }, () => {
  const fake: IdentityLookup = {
    user: (n) => (n === 'mail' ? { name: 'mail', uid: 8, gid: 8 } : n === 'bob' ? { name: 'bob', uid: 1000, gid: 1000 } : null),
    group: (n) => (n === 'mail' ? { name: 'mail', gid: 8 } : null),
  };
  assert.deepEqual(planPrivilegeDrop('bob', '', { uid: 1000, gid: 1000 }, fake), { kind: 'none' });
  assert.throws(
    () => planPrivilegeDrop('mail', 'mail', { uid: 1000, gid: 1000 }, fake),
    (e: unknown) => e instanceof StartupError && e.message === 'user/group: cannot switch to user "mail" and group "mail": not running as root (uid 1000, gid 1000)',
  );
  assert.throws(() => planPrivilegeDrop('', 'mail', { uid: 1000, gid: 1000 }, fake), /cannot switch to group "mail": not running as root/);
});

test('dropPrivileges in a child process: switches ids when root, refuses clearly otherwise', { timeout: TEST_TIMEOUT_MS }, async () => {
  // Never touch this test process's own ids: run the switch in a separate node process.
  await withTempDir(async (dir) => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const modUrl = pathToFileURL(path.resolve(here, '../../../../src/net/privileges.ts')).href;
    const script = path.join(dir, 'drop.mts');
    await writeFile(
      script,
      `import { dropPrivileges } from ${JSON.stringify(modUrl)};\n` +
        `try { const plan = dropPrivileges('nobody', 'nogroup'); console.log(JSON.stringify({ plan: plan.kind, uid: process.getuid(), gid: process.getgid(), groups: process.getgroups() })); }\n` +
        `catch (e) { console.log(JSON.stringify({ error: e.name + ': ' + e.message })); }\n`,
    );
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(here, '../../../..') }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const result = JSON.parse(out) as Record<string, unknown>;
    const nobody = systemLookup.user('nobody');
    const nogroup = systemLookup.group('nogroup');
    assert.ok(nobody && nogroup, 'this test needs the Debian users nobody and nogroup');
    if (process.getuid?.() === 0) {
      assert.deepEqual(result, { plan: 'drop', uid: nobody.uid, gid: nogroup.gid, groups: [nogroup.gid] });
    } else {
      assert.match(String(result.error), /^StartupError: user\/group: cannot switch to user "nobody" and group "nogroup": not running as root/);
    }
  });
});
