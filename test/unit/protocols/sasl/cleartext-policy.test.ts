import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleartextAllowed, isLoopbackAddress } from '../../../../protocols/sasl/cleartext-policy.js';

const LOOPBACK = ['127.0.0.1', '127.255.3.4', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::FFFF:127.9.9.9', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:0001'];
const NOT_LOOPBACK = ['10.0.0.1', '128.0.0.1', '1.127.0.0', '::2', '::', '::ffff:10.0.0.1', '::ffff:8000:1', '2001:db8::1', 'fe80::1', '::127.0.0.1', 'localhost', '', '127.0.0', '127.0.0.1.5'];

for (const ip of LOOPBACK) {
  test(`${ip} is a loopback address`, () => assert.equal(isLoopbackAddress(ip), true));
}
for (const ip of NOT_LOOPBACK) {
  test(`${JSON.stringify(ip)} is not a loopback address`, () => assert.equal(isLoopbackAddress(ip), false));
}

test('TLS connections may always use cleartext mechanisms, whatever the policy', () => {
  for (const policy of ['loopback', 'always', 'never'] as const) assert.equal(cleartextAllowed(policy, true, '203.0.113.5'), true);
});

test('policy "always" allows cleartext without TLS from anywhere', () => {
  assert.equal(cleartextAllowed('always', false, '203.0.113.5'), true);
});

test('policy "never" refuses cleartext without TLS even on loopback', () => {
  assert.equal(cleartextAllowed('never', false, '127.0.0.1'), false);
  assert.equal(cleartextAllowed('never', false, '::1'), false);
});

test('policy "loopback" allows cleartext without TLS only from loopback addresses', () => {
  assert.equal(cleartextAllowed('loopback', false, '127.0.0.1'), true);
  assert.equal(cleartextAllowed('loopback', false, '::ffff:127.0.0.1'), true);
  assert.equal(cleartextAllowed('loopback', false, '::1'), true);
  assert.equal(cleartextAllowed('loopback', false, '192.168.1.2'), false);
  assert.equal(cleartextAllowed('loopback', false, '::ffff:192.168.1.2'), false);
});
