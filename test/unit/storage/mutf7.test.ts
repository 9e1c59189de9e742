import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMutf7, encodeMutf7 } from '../../../storage/mutf7.js';
import { isMailError } from '../../../storage/errors.js';

test('encodes the RFC 3501 example and round-trips it', () => {
  const name = '~peter/mail/台北/日本語';
  const enc = encodeMutf7(name);
  assert.equal(enc, '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  assert.equal(decodeMutf7(enc), name);
});

test('ampersand is written as &- and decoded back', () => {
  assert.equal(encodeMutf7('Tom & Jerry'), 'Tom &- Jerry');
  assert.equal(decodeMutf7('Tom &- Jerry'), 'Tom & Jerry');
});

test('non-BMP characters use surrogate pairs and round-trip', () => {
  const name = 'mail 😀 box Ünïcode';
  assert.equal(decodeMutf7(encodeMutf7(name)), name);
  assert.equal(encodeMutf7('Entwürfe'), 'Entw&APw-rfe');
});

test('strict decoding refuses non-canonical and broken input', () => {
  const bad = ['a&Jjo', '&AGE-', '&U,BTFw-&ZeVnLIqe-', 'caf\u00e9', '&Jj!-', '&AAA-', '&2D0-', 'tab\there', '&U,BTF-'];
  for (const b of bad) {
    assert.throws(() => decodeMutf7(b), (e) => isMailError(e, 'Invalid'), b);
  }
});
