import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeClientResponse, encodeServerData } from '../../../../protocols/sasl/base64-line.js';

const cont = { maxBytes: 64, initial: false };
const initial = { maxBytes: 64, initial: true };

test('a canonical base64 line decodes to its bytes', () => {
  assert.deepEqual(decodeClientResponse('AHRpbQB0YW5zdGFhZg==', cont), { kind: 'data', data: Buffer.from('\0tim\0tanstaaf') });
});

test('a star cancels, as a continuation and as an initial response', () => {
  assert.deepEqual(decodeClientResponse('*', cont), { kind: 'cancel' });
  assert.deepEqual(decodeClientResponse('*', initial), { kind: 'cancel' });
});

test('an equals sign is the empty initial response (RFC 4959, RFC 5034)', () => {
  assert.deepEqual(decodeClientResponse('=', initial), { kind: 'data', data: Buffer.alloc(0) });
});

test('an empty continuation line is the empty response', () => {
  assert.deepEqual(decodeClientResponse('', cont), { kind: 'data', data: Buffer.alloc(0) });
});

test('an empty initial response string is malformed (the client must send "=")', () => {
  const r = decodeClientResponse('', initial);
  assert.equal(r.kind, 'invalid');
  assert.equal(r.kind === 'invalid' && r.reason, 'malformed');
});

test('an equals sign as a continuation line is malformed base64', () => {
  assert.equal(decodeClientResponse('=', cont).kind, 'invalid');
});

for (const bad of ['AHRpbQ', 'AHRp bQ==', 'AHRpbQ==\r', 'AH$pbQ==', 'AHRpbQ=A', 'A===', 'AHRpbR==', 'AB==AB==']) {
  test(`non-canonical or invalid base64 ${JSON.stringify(bad)} is malformed`, () => {
    const r = decodeClientResponse(bad, cont);
    assert.equal(r.kind, 'invalid');
    assert.equal(r.kind === 'invalid' && r.reason, 'malformed');
  });
}

test('a response over the limit is refused as too long, before and after decoding', () => {
  const limit = { maxBytes: 10, initial: false };
  assert.equal(decodeClientResponse(Buffer.alloc(10, 1).toString('base64'), limit).kind, 'data');
  const eleven = decodeClientResponse(Buffer.alloc(11, 1).toString('base64'), limit);
  assert.equal(eleven.kind === 'invalid' && eleven.reason, 'too-long');
  const huge = decodeClientResponse('A'.repeat(1_000_000), limit);
  assert.equal(huge.kind === 'invalid' && huge.reason, 'too-long');
});

test('server data is encoded as plain base64, empty data as the empty string', () => {
  assert.equal(encodeServerData(Buffer.from('Username:')), 'VXNlcm5hbWU6');
  assert.equal(encodeServerData(Buffer.alloc(0)), '');
  assert.equal(encodeServerData(new Uint8Array([0xff, 0x00]).subarray(1)), 'AA==');
});
