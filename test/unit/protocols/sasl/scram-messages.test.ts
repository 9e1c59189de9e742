import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeSaslname,
  encodeSaslname,
  isValidNonce,
  parseClientFinal,
  parseClientFirst,
  ScramSyntaxError,
} from '../../../../protocols/sasl/scram-messages.js';

const b = (s: string) => Buffer.from(s, 'utf8');

test('saslname escapes round-trip for names with commas and equals signs', () => {
  for (const name of ['a,b', 'x=y', '=,=,', 'plain', 'ünï,=2C']) {
    const encoded = encodeSaslname(name);
    assert.doesNotMatch(encoded, /,/);
    assert.equal(decodeSaslname(encoded), name);
  }
  assert.equal(encodeSaslname('a,b=c'), 'a=2Cb=3Dc');
});

test('saslname decoding refuses unknown escapes, a lone "=", NUL and the empty name', () => {
  for (const bad of ['a=2', 'a=', '=41', 'a=2c', 'a\0b', '']) assert.equal(decodeSaslname(bad), null, bad);
});

test('a nonce is printable ASCII without commas', () => {
  assert.equal(isValidNonce('fyko+d2lbbFgONRv9qkxdawL'), true);
  assert.equal(isValidNonce('%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'), true);
  for (const bad of ['', 'a,b', 'a b', 'é', 'a\x7f']) assert.equal(isValidNonce(bad), false, bad);
});

test('client-first keeps the gs2 header and the bare message exactly as sent', () => {
  const parsed = parseClientFirst(b('y,a=us=3Der,n=us=3Der,r=abc,x=1'));
  assert.ok(!(parsed instanceof ScramSyntaxError));
  assert.deepEqual(parsed, {
    gs2Header: 'y,a=us=3Der,',
    cbindFlag: 'y',
    authzid: 'us=er',
    username: 'us=er',
    clientNonce: 'abc',
    bare: 'n=us=3Der,r=abc,x=1',
  });
});

test('client-final splits off the proof and keeps extensions in the signed part', () => {
  const parsed = parseClientFinal(b('c=biws,r=abcdef,x=ext,p=AAECAw=='));
  assert.ok(!(parsed instanceof ScramSyntaxError));
  assert.equal(parsed.withoutProof, 'c=biws,r=abcdef,x=ext');
  assert.deepEqual(parsed.proof, Buffer.from([0, 1, 2, 3]));
  assert.deepEqual(parsed.channelBinding, Buffer.from('n,,'));
  assert.equal(parsed.nonce, 'abcdef');
});

test('client-final with non-canonical base64 in p= is refused', () => {
  const parsed = parseClientFinal(b('c=biws,r=abc,p=AAECAx=='));
  assert.ok(parsed instanceof ScramSyntaxError);
  assert.equal(parsed.error, 'invalid-encoding');
});
