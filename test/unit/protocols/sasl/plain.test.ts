import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMechanism } from '../../../../protocols/sasl/mechanisms.js';
import { parsePlainMessage } from '../../../../protocols/sasl/plain.js';
import { exampleUsers, testContext } from './user-table.js';

const plain = (users = exampleUsers()) => createMechanism('PLAIN', users, testContext);
const msg = (...parts: string[]) => Buffer.from(parts.join('\0'), 'utf8');

test('PLAIN with a correct initial response succeeds with the user', async () => {
  const step = await plain().start(msg('', 'tim', 'tanstaaftanstaaf'));
  assert.equal(step.kind, 'success');
  assert.equal(step.kind === 'success' && step.user.username, 'tim');
});

test('PLAIN without an initial response sends an empty challenge, then takes the message', async () => {
  const m = plain();
  assert.deepEqual(await m.start(null), { kind: 'challenge', data: Buffer.alloc(0) });
  const step = await m.step(msg('', 'tim', 'tanstaaftanstaaf'));
  assert.equal(step.kind, 'success');
});

test('PLAIN with a wrong password or unknown user fails with credentials', async () => {
  for (const m of [msg('', 'tim', 'wrong'), msg('', 'nobody', 'tanstaaftanstaaf')]) {
    const step = await plain().start(m);
    assert.equal(step.kind, 'failure');
    assert.equal(step.kind === 'failure' && step.reason, 'credentials');
  }
});

test('PLAIN accepts an authzid equal to the authcid', async () => {
  assert.equal((await plain().start(msg('tim', 'tim', 'tanstaaftanstaaf'))).kind, 'success');
});

test('PLAIN refuses an authzid naming another user with an authz failure', async () => {
  const step = await plain().start(msg('user', 'tim', 'tanstaaftanstaaf'));
  assert.equal(step.kind === 'failure' && step.reason, 'authz');
});

test('PLAIN with a foreign authzid and a wrong password reports credentials, not authz', async () => {
  const step = await plain().start(msg('user', 'tim', 'nope'));
  assert.equal(step.kind === 'failure' && step.reason, 'credentials');
});

test('PLAIN handles UTF-8 user names and passwords', async () => {
  const step = await plain().start(msg('', 'alice@example.org', 'wönder länd'));
  assert.equal(step.kind === 'success' && step.user.username, 'alice@example.org');
});

for (const [label, bytes] of [
  ['no NUL', Buffer.from('timtanstaaftanstaaf')],
  ['one NUL', Buffer.from('tim\0tanstaaftanstaaf')],
  ['three NULs', msg('', 'tim', 'tanstaaf', 'tanstaaf')],
  ['empty authcid', msg('', '', 'tanstaaftanstaaf')],
  ['empty password', msg('', 'tim', '')],
  ['invalid UTF-8', Buffer.concat([Buffer.from('\0tim\0'), Buffer.from([0xc3, 0x28])])],
  ['control character in authcid', msg('', 'ti\nm', 'tanstaaftanstaaf')],
  ['empty message', Buffer.alloc(0)],
] as const) {
  test(`PLAIN message with ${label} is malformed and never reaches the user database`, async () => {
    const users = exampleUsers();
    const step = await plain(users).start(bytes);
    assert.equal(step.kind === 'failure' && step.reason, 'malformed');
    assert.deepEqual(users.calls, []);
  });
}

test('PLAIN password may contain spaces and any non-NUL characters', () => {
  assert.deepEqual(parsePlainMessage(msg('', 'u', ' a b\tc ')), { authzid: '', authcid: 'u', password: ' a b\tc ' });
});

test('PLAIN turns a user database error into a temporary failure', async () => {
  const step = await plain().start(msg('', 'broken', 'x'));
  assert.equal(step.kind === 'failure' && step.reason, 'temp');
});

test('PLAIN refuses further steps after it finished', async () => {
  const m = plain();
  await m.start(msg('', 'tim', 'tanstaaftanstaaf'));
  const again = await m.step(msg('', 'tim', 'tanstaaftanstaaf'));
  assert.equal(again.kind === 'failure' && again.reason, 'malformed');
});
