import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMechanism, listMechanisms, normalizeMechanismName } from '../../../../protocols/sasl/mechanisms.js';
import { MECHANISM_NAMES } from '../../../../protocols/sasl/types.js';
import { exampleUsers, testContext } from './user-table.js';

const ALL = [...MECHANISM_NAMES];

test('all configured mechanisms are offered when cleartext is allowed, in configured order', () => {
  assert.deepEqual(listMechanisms(['SCRAM-SHA-256', 'PLAIN', 'LOGIN'], { secure: false, allowCleartext: true }), ['SCRAM-SHA-256', 'PLAIN', 'LOGIN']);
});

test('PLAIN and LOGIN are withheld on an insecure connection where cleartext is not allowed', () => {
  assert.deepEqual(listMechanisms(ALL, { secure: false, allowCleartext: false }), ['CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256']);
});

test('PLAIN and LOGIN are offered on a secure connection', () => {
  assert.deepEqual(listMechanisms(ALL, { secure: true, allowCleartext: false }), ALL);
});

test('a mechanism not configured is never offered, and duplicates are listed once', () => {
  assert.deepEqual(listMechanisms(['PLAIN', 'PLAIN', 'CRAM-MD5'], { secure: true, allowCleartext: true }), ['PLAIN', 'CRAM-MD5']);
  assert.deepEqual(listMechanisms([], { secure: true, allowCleartext: true }), []);
});

test('mechanism names from clients match case-insensitively; unknown ones give null', () => {
  assert.equal(normalizeMechanismName('scram-sha-256'), 'SCRAM-SHA-256');
  assert.equal(normalizeMechanismName('Plain'), 'PLAIN');
  assert.equal(normalizeMechanismName('DIGEST-MD5'), null);
  assert.equal(normalizeMechanismName('SCRAM-SHA-256-PLUS'), null);
  assert.equal(normalizeMechanismName(''), null);
});

test('createMechanism builds an instance of each implemented mechanism with its name', async () => {
  for (const name of ALL) {
    const m = createMechanism(name, exampleUsers(), testContext, { hostname: 'h' });
    assert.equal(m.name, name);
    const first = await m.start();
    assert.equal(first.kind, 'challenge');
  }
});

test('the success-data wrapper leaves mechanisms without final data untouched', async () => {
  const m = createMechanism('PLAIN', exampleUsers(), testContext);
  const step = await m.start(Buffer.from('\0tim\0tanstaaftanstaaf'));
  assert.equal(step.kind, 'success');
  const again = await m.step(Buffer.alloc(0));
  assert.equal(again.kind === 'failure' && again.reason, 'malformed');
});
