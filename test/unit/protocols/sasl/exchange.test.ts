import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSaslExchange } from '../../../../protocols/sasl/exchange.js';
import { createMechanism } from '../../../../protocols/sasl/mechanisms.js';
import type { MechanismName, MechanismOptions } from '../../../../protocols/sasl/types.js';
import { exampleUsers, testContext } from './user-table.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

function exchange(name: MechanismName, maxResponseBytes = 1024, options: MechanismOptions = {}, users = exampleUsers()) {
  return createSaslExchange(createMechanism(name, users, testContext, options), { maxResponseBytes });
}

test('PLAIN with a SASL-IR initial response succeeds in one round', async () => {
  const ex = exchange('PLAIN');
  const r = await ex.start(b64('\0tim\0tanstaaftanstaaf'));
  assert.equal(r.kind === 'success' && r.user.username, 'tim');
  assert.equal(ex.finished, true);
});

test('PLAIN without an initial response sends an empty challenge line', async () => {
  const ex = exchange('PLAIN');
  assert.deepEqual(await ex.start(), { kind: 'challenge', text: '' });
  assert.equal(ex.finished, false);
  assert.equal((await ex.respond(b64('\0tim\0tanstaaftanstaaf'))).kind, 'success');
});

test('an "=" initial response is the empty response: PLAIN finds it malformed', async () => {
  const r = await exchange('PLAIN').start('=');
  assert.equal(r.kind === 'failure' && r.reason, 'malformed');
});

test('an "=" initial response to LOGIN is like none: it asks for the user name', async () => {
  const r = await exchange('LOGIN').start('=');
  assert.equal(r.kind === 'challenge' && unb64(r.text), 'Username:');
});

test('LOGIN runs over base64 lines', async () => {
  const ex = exchange('LOGIN');
  const r1 = await ex.start();
  assert.equal(r1.kind === 'challenge' && r1.text, 'VXNlcm5hbWU6');
  const r2 = await ex.respond(b64('tim'));
  assert.equal(r2.kind === 'challenge' && r2.text, 'UGFzc3dvcmQ6');
  assert.equal((await ex.respond(b64('tanstaaftanstaaf'))).kind, 'success');
});

test('"*" cancels the exchange at any step', async () => {
  const ex = exchange('LOGIN');
  await ex.start();
  await ex.respond(b64('tim'));
  const r = await ex.respond('*');
  assert.equal(r.kind === 'failure' && r.reason, 'cancelled');
  assert.equal(ex.finished, true);
  const after = await ex.respond(b64('tanstaaftanstaaf'));
  assert.equal(after.kind === 'failure' && after.reason, 'malformed');
});

test('"*" as the initial response cancels', async () => {
  const r = await exchange('PLAIN').start('*');
  assert.equal(r.kind === 'failure' && r.reason, 'cancelled');
});

test('malformed base64 fails the exchange without reaching the user database', async () => {
  const users = exampleUsers();
  const ex = exchange('LOGIN', 1024, {}, users);
  await ex.start();
  const r = await ex.respond('dGlt!');
  assert.equal(r.kind === 'failure' && r.reason, 'malformed');
  assert.deepEqual(users.calls, []);
});

test('a response over the configured limit fails the exchange', async () => {
  const users = exampleUsers();
  const ex = exchange('PLAIN', 32, {}, users);
  const r = await ex.start(b64(`\0tim\0${'x'.repeat(40)}`));
  assert.equal(r.kind === 'failure' && r.reason, 'malformed');
  assert.match(r.kind === 'failure' ? (r.detail ?? '') : '', /32 bytes/);
  assert.deepEqual(users.calls, []);
  const atLimit = await exchange('PLAIN', 32).start(b64(`\0tim\0${'x'.repeat(27)}`));
  assert.equal(atLimit.kind === 'failure' && atLimit.reason, 'credentials');
});

test('SCRAM over lines: v= is sent as a challenge and an empty line completes it', async () => {
  const ex = exchange('SCRAM-SHA-256', 1024, { nonce: () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0' });
  const r1 = await ex.start(b64('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
  assert.equal(r1.kind === 'challenge' && unb64(r1.text), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  const r2 = await ex.respond(b64('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
  assert.equal(r2.kind === 'challenge' && unb64(r2.text), 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  const r3 = await ex.respond('');
  assert.equal(r3.kind === 'success' && r3.user.username, 'user');
});

test('SCRAM failure carries the e= value as base64 text for protocols that can show it', async () => {
  const ex = exchange('SCRAM-SHA-256');
  const r = await ex.start(b64('p=tls-unique,,n=user,r=abc'));
  assert.equal(r.kind === 'failure' && r.text !== undefined && unb64(r.text), 'e=channel-binding-not-supported');
});

test('starting twice or responding before start is refused', async () => {
  const ex = exchange('LOGIN');
  const early = await ex.respond(b64('tim'));
  assert.equal(early.kind === 'failure' && early.reason, 'malformed');
  await ex.start();
  const twice = await ex.start();
  assert.equal(twice.kind === 'failure' && twice.reason, 'malformed');
});
