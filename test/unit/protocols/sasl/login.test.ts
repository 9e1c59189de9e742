import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMechanism } from '../../../../protocols/sasl/mechanisms.js';
import { exampleUsers, testContext } from './user-table.js';

const login = (users = exampleUsers()) => createMechanism('LOGIN', users, testContext);
const b = (s: string) => Buffer.from(s, 'utf8');

test('LOGIN asks "Username:" then "Password:" and succeeds with the right password', async () => {
  const m = login();
  assert.deepEqual(await m.start(), { kind: 'challenge', data: b('Username:') });
  assert.deepEqual(await m.step(b('tim')), { kind: 'challenge', data: b('Password:') });
  const step = await m.step(b('tanstaaftanstaaf'));
  assert.equal(step.kind === 'success' && step.user.username, 'tim');
});

test('LOGIN takes a non-empty initial response as the user name', async () => {
  const m = login();
  assert.deepEqual(await m.start(b('tim')), { kind: 'challenge', data: b('Password:') });
  assert.equal((await m.step(b('tanstaaftanstaaf'))).kind, 'success');
});

test('LOGIN treats an empty initial response like none', async () => {
  assert.deepEqual(await login().start(Buffer.alloc(0)), { kind: 'challenge', data: b('Username:') });
});

test('LOGIN with a wrong password or unknown user fails with credentials', async () => {
  for (const [user, pass] of [['tim', 'nope'], ['ghost', 'tanstaaftanstaaf']]) {
    const m = login();
    await m.start(b(user));
    const step = await m.step(b(pass));
    assert.equal(step.kind === 'failure' && step.reason, 'credentials');
  }
});

test('LOGIN handles UTF-8 credentials', async () => {
  const m = login();
  await m.start(b('alice@example.org'));
  assert.equal((await m.step(b('wönder länd'))).kind, 'success');
});

test('LOGIN refuses an empty or non-UTF-8 user name and an empty password as malformed', async () => {
  const m1 = login();
  await m1.start();
  const s1 = await m1.step(Buffer.alloc(0));
  assert.equal(s1.kind === 'failure' && s1.reason, 'malformed');
  const s2 = await login().start(Buffer.from([0xff, 0xfe]));
  assert.equal(s2.kind === 'failure' && s2.reason, 'malformed');
  const m3 = login();
  await m3.start(b('tim'));
  const s3 = await m3.step(Buffer.alloc(0));
  assert.equal(s3.kind === 'failure' && s3.reason, 'malformed');
});

test('LOGIN refuses a step after the exchange finished', async () => {
  const m = login();
  await m.start(b('tim'));
  await m.step(b('tanstaaftanstaaf'));
  const again = await m.step(b('tanstaaftanstaaf'));
  assert.equal(again.kind === 'failure' && again.reason, 'malformed');
});

test('LOGIN turns a user database error into a temporary failure', async () => {
  const m = login();
  await m.start(b('broken'));
  const step = await m.step(b('x'));
  assert.equal(step.kind === 'failure' && step.reason, 'temp');
});
