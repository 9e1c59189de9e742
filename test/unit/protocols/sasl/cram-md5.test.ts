import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cramMd5Digest } from '../../../../protocols/sasl/cram-md5.js';
import { createMechanism } from '../../../../protocols/sasl/mechanisms.js';
import { exampleUsers, testContext } from './user-table.js';

// RFC 2195 §2: challenge <1896.697170952@postoffice.reston.mci.net>, user tim, secret tanstaaftanstaaf.
const RFC_CHALLENGE = '<1896.697170952@postoffice.reston.mci.net>';
const RFC_RESPONSE = 'tim b913a602c7eda7a495b4e6e7334d3890';
const rfcOptions = { hostname: 'postoffice.reston.mci.net', nonce: () => '1896', now: () => 697170952 };

const cram = (users = exampleUsers(), options = rfcOptions) => createMechanism('CRAM-MD5', users, testContext, options);

test('CRAM-MD5 digest reproduces the RFC 2195 example', () => {
  assert.equal(cramMd5Digest('tanstaaftanstaaf', RFC_CHALLENGE), 'b913a602c7eda7a495b4e6e7334d3890');
});

test('CRAM-MD5 sends the RFC 2195 challenge and accepts the RFC response', async () => {
  const m = cram();
  assert.deepEqual(await m.start(), { kind: 'challenge', data: Buffer.from(RFC_CHALLENGE) });
  const step = await m.step(Buffer.from(RFC_RESPONSE));
  assert.equal(step.kind === 'success' && step.user.username, 'tim');
});

test('CRAM-MD5 accepts an upper-case hex digest', async () => {
  const m = cram();
  await m.start();
  assert.equal((await m.step(Buffer.from(RFC_RESPONSE.toUpperCase().replace('TIM', 'tim')))).kind, 'success');
});

test('CRAM-MD5 challenges are unique with the default random nonce and clock', async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const step = await createMechanism('CRAM-MD5', exampleUsers(), testContext, { hostname: 'mx.example' }).start();
    assert.equal(step.kind, 'challenge');
    const text = step.kind === 'challenge' ? step.data.toString() : '';
    assert.match(text, /^<[^<>@\s]+\.\d+@mx\.example>$/);
    seen.add(text);
  }
  assert.equal(seen.size, 50);
});

test('CRAM-MD5 refuses a digest computed with the wrong secret', async () => {
  const m = cram();
  await m.start();
  const step = await m.step(Buffer.from(`tim ${cramMd5Digest('wrong', RFC_CHALLENGE)}`));
  assert.equal(step.kind === 'failure' && step.reason, 'credentials');
});

test('CRAM-MD5 refuses a digest computed for another challenge (no replay)', async () => {
  const m = cram(exampleUsers(), { ...rfcOptions, nonce: () => '1897' });
  await m.start();
  const step = await m.step(Buffer.from(RFC_RESPONSE));
  assert.equal(step.kind === 'failure' && step.reason, 'credentials');
});

test('CRAM-MD5 fails with credentials for unknown users and users without a cleartext secret', async () => {
  for (const user of ['ghost', 'hashed']) {
    const m = cram();
    await m.start();
    const step = await m.step(Buffer.from(`${user} ${cramMd5Digest('secret', RFC_CHALLENGE)}`));
    assert.equal(step.kind === 'failure' && step.reason, 'credentials');
  }
});

test('CRAM-MD5 user names may contain spaces: the digest follows the last space', async () => {
  const users = exampleUsers();
  const m = cram(users);
  await m.start();
  await m.step(Buffer.from(`john smith ${cramMd5Digest('x', RFC_CHALLENGE)}`));
  assert.deepEqual(users.calls, ['john smith']);
});

for (const bad of ['tim', 'tim ', ' b913a602c7eda7a495b4e6e7334d3890', 'tim b913a602c7eda7a495b4e6e7334d389', 'tim b913a602c7eda7a495b4e6e7334d3890x', 'tim zz13a602c7eda7a495b4e6e7334d3890']) {
  test(`CRAM-MD5 response ${JSON.stringify(bad)} is malformed`, async () => {
    const users = exampleUsers();
    const m = cram(users);
    await m.start();
    const step = await m.step(Buffer.from(bad));
    assert.equal(step.kind === 'failure' && step.reason, 'malformed');
    assert.deepEqual(users.calls, []);
  });
}

test('CRAM-MD5 refuses an initial response', async () => {
  const step = await cram().start(Buffer.from(RFC_RESPONSE));
  assert.equal(step.kind === 'failure' && step.reason, 'malformed');
});

test('CRAM-MD5 turns a user database error into a temporary failure', async () => {
  const m = cram();
  await m.start();
  const step = await m.step(Buffer.from(`broken ${cramMd5Digest('x', RFC_CHALLENGE)}`));
  assert.equal(step.kind === 'failure' && step.reason, 'temp');
});
