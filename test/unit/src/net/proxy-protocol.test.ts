import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProxyHeaderParser, PROXY_V2_SIGNATURE, type ProxyParseResult } from '../../../../src/net/proxy-protocol.js';

const OPTS = { maxV2PayloadBytes: 512 };

/**
 * Feed `input` in chunks of `size` bytes and return the first result that is not need-more (or
 * need-more at the end). Like the server, bytes not yet fed when the header completes are
 * appended to `rest`, so results compare equal whatever the chunk size.
 */
function feedInChunks(input: Buffer, size: number): ProxyParseResult {
  const parser = new ProxyHeaderParser(OPTS);
  let result: ProxyParseResult = { kind: 'need-more' };
  for (let off = 0; off < input.length; off += size) {
    result = parser.feed(input.subarray(off, off + size));
    if (result.kind === 'done') return { ...result, rest: Buffer.concat([result.rest, input.subarray(off + size)]) };
    if (result.kind === 'error') return result;
  }
  return result;
}

/** The parse result must not depend on how the input is split. */
function parseAllWays(input: Buffer): ProxyParseResult {
  const whole = feedInChunks(input, input.length || 1);
  for (let size = 1; size <= 512; size *= 2) {
    assert.deepEqual(feedInChunks(input, size), whole, `chunk size ${size}`);
  }
  return whole;
}

function v2(verCmd: number, famProto: number, payload: Buffer, lengthOverride?: number): Buffer {
  const head = Buffer.alloc(4);
  head[0] = verCmd;
  head[1] = famProto;
  head.writeUInt16BE(lengthOverride ?? payload.length, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, head, payload]);
}

function v4Block(src: number[], dst: number[], sport: number, dport: number): Buffer {
  const b = Buffer.alloc(12);
  Buffer.from(src).copy(b, 0);
  Buffer.from(dst).copy(b, 4);
  b.writeUInt16BE(sport, 8);
  b.writeUInt16BE(dport, 10);
  return b;
}

test('v1 TCP4 header yields source, destination and the bytes after it', () => {
  const r = parseAllWays(Buffer.from('PROXY TCP4 192.0.2.10 198.51.100.1 56324 110\r\nCAPA\r\n'));
  assert.deepEqual(r, {
    kind: 'done',
    version: 1,
    source: { address: '192.0.2.10', port: 56324 },
    destination: { address: '198.51.100.1', port: 110 },
    rest: Buffer.from('CAPA\r\n'),
  });
});

test('v1 TCP6 header yields IPv6 endpoints', () => {
  const r = parseAllWays(Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 65535 993\r\n'));
  assert.equal(r.kind, 'done');
  assert.deepEqual(r.kind === 'done' && [r.source, r.destination, r.rest.length], [
    { address: '2001:db8::7', port: 65535 },
    { address: '2001:db8::1', port: 993 },
    0,
  ]);
});

test('v1 UNKNOWN header carries no addresses and ignores the rest of its line', () => {
  assert.deepEqual(parseAllWays(Buffer.from('PROXY UNKNOWN\r\nx')), { kind: 'done', version: 1, rest: Buffer.from('x') });
  assert.deepEqual(parseAllWays(Buffer.from('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n')), { kind: 'done', version: 1, rest: Buffer.alloc(0) });
});

test('v1 header of exactly 107 bytes is accepted, 108 is not', () => {
  const src = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
  const max = `PROXY TCP6 ${src} ${src} 65535 65535\r\n`;
  assert.equal(max.length, 104);
  // UNKNOWN lines may carry anything; pad one to the exact limit.
  const at107 = 'PROXY UNKNOWN ' + 'x'.repeat(107 - 16) + '\r\n';
  assert.equal(at107.length, 107);
  assert.equal(parseAllWays(Buffer.from(at107)).kind, 'done');
  const at108 = 'PROXY UNKNOWN ' + 'x'.repeat(108 - 16) + '\r\n';
  assert.deepEqual(parseAllWays(Buffer.from(at108)), { kind: 'error', reason: 'v1: no CRLF within 107 bytes' });
  assert.deepEqual(parseAllWays(Buffer.from('PROXY UNKNOWN ' + 'y'.repeat(200))), { kind: 'error', reason: 'v1: no CRLF within 107 bytes' });
  assert.equal(parseAllWays(Buffer.from(max)).kind, 'done');
});

test('malformed v1 headers are errors', () => {
  const cases: Array<[string, RegExp]> = [
    ['PROXY TCP4 192.0.2.300 198.51.100.1 1 2\r\n', /invalid TCP4 source address/],
    ['PROXY TCP4 192.0.2.1 2001:db8::1 1 2\r\n', /invalid TCP4 destination address/],
    ['PROXY TCP6 192.0.2.1 2001:db8::1 1 2\r\n', /invalid TCP6 source address/],
    ['PROXY TCP6 fe80::1%eth0 2001:db8::1 1 2\r\n', /invalid TCP6 source address/],
    ['PROXY TCP4 192.0.2.1 192.0.2.2 65536 2\r\n', /invalid source port/],
    ['PROXY TCP4 192.0.2.1 192.0.2.2 1 0110\r\n', /invalid destination port/],
    ['PROXY TCP4 192.0.2.1 192.0.2.2 1 -2\r\n', /invalid destination port/],
    ['PROXY TCP4 192.0.2.1  192.0.2.2 1 2\r\n', /expected 4 fields/],
    ['PROXY TCP4 192.0.2.1 192.0.2.2 1\r\n', /expected 4 fields/],
    ['PROXY UDP4 192.0.2.1 192.0.2.2 1 2\r\n', /unknown protocol "UDP4"/],
    ['PROXY TCP4 192.0.2.1 192.0.2.2 1 2\rX', /CR not followed by LF/],
    ['PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n', /control or non-ASCII/],
    ['PROXY TCP4 19\u00e92.0.2.1', /control or non-ASCII/],
    ['proxy TCP4 192.0.2.1 192.0.2.2 1 2\r\n', /not a PROXY protocol header/],
    ['PROXYTCP4', /does not start with "PROXY "/],
    ['USER bob\r\n', /not a PROXY protocol header/],
  ];
  for (const [input, reason] of cases) {
    const r = parseAllWays(Buffer.from(input, 'latin1'));
    assert.equal(r.kind, 'error', input);
    assert.match(r.kind === 'error' ? r.reason : '', reason, input);
  }
});

test('a truncated header asks for more and never completes', () => {
  assert.deepEqual(parseAllWays(Buffer.from('PROXY TCP4 192.0.2.1 192.0.2.2 1 2')), { kind: 'need-more' });
  assert.deepEqual(parseAllWays(Buffer.from('PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r')), { kind: 'need-more' });
  const full = v2(0x21, 0x11, v4Block([1, 2, 3, 4], [5, 6, 7, 8], 1, 2));
  for (let n = 1; n < full.length; n++) assert.deepEqual(parseAllWays(full.subarray(0, n)), { kind: 'need-more' }, `first ${n} bytes`);
});

test('v2 PROXY over IPv4 yields the addresses; TLVs are skipped; rest is kept', () => {
  const tlv = Buffer.from([0x01, 0x00, 0x02, 0x68, 0x32, 0x04, 0x00, 0x00]); // ALPN "h2", empty NOOP
  const input = Buffer.concat([v2(0x21, 0x11, Buffer.concat([v4Block([192, 0, 2, 1], [198, 51, 100, 9], 40000, 995), tlv])), Buffer.from('\x16\x03\x01', 'latin1')]);
  assert.deepEqual(parseAllWays(input), {
    kind: 'done',
    version: 2,
    source: { address: '192.0.2.1', port: 40000 },
    destination: { address: '198.51.100.9', port: 995 },
    rest: Buffer.from([0x16, 0x03, 0x01]),
  });
});

test('v2 PROXY over IPv6 yields RFC 5952 addresses', () => {
  const b = Buffer.alloc(36);
  Buffer.from('20010db8000000000000000000000007', 'hex').copy(b, 0);
  Buffer.from('00000000000000000000ffffc0000201', 'hex').copy(b, 16);
  b.writeUInt16BE(1234, 32);
  b.writeUInt16BE(143, 34);
  const r = parseAllWays(v2(0x21, 0x21, b));
  assert.equal(r.kind, 'done');
  assert.deepEqual(r.kind === 'done' && [r.source, r.destination], [
    { address: '2001:db8::7', port: 1234 },
    { address: '::ffff:192.0.2.1', port: 143 },
  ]);
});

test('v2 LOCAL and AF_UNSPEC carry no addresses', () => {
  assert.deepEqual(parseAllWays(v2(0x20, 0x00, Buffer.alloc(0))), { kind: 'done', version: 2, rest: Buffer.alloc(0) });
  // LOCAL with an address block: the addresses are ignored.
  assert.deepEqual(parseAllWays(v2(0x20, 0x11, v4Block([1, 1, 1, 1], [2, 2, 2, 2], 1, 1))), { kind: 'done', version: 2, rest: Buffer.alloc(0) });
  assert.deepEqual(parseAllWays(v2(0x21, 0x00, Buffer.alloc(0))), { kind: 'done', version: 2, rest: Buffer.alloc(0) });
});

test('malformed v2 headers are errors', () => {
  const good = v4Block([1, 2, 3, 4], [5, 6, 7, 8], 1, 2);
  const badSig = Buffer.from(PROXY_V2_SIGNATURE);
  badSig[7] = 0x52;
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.concat([badSig, Buffer.from([0x21, 0x11, 0, 12]), good]), /bad signature/],
    [v2(0x11, 0x11, good), /unsupported version 1/],
    [v2(0x22, 0x11, good), /unknown command 2/],
    [v2(0x21, 0x41, good), /unknown address family 4/],
    [v2(0x21, 0x13, good), /unknown transport 3/],
    [v2(0x21, 0x12, good), /only STREAM/],
    [v2(0x21, 0x31, Buffer.alloc(216)), /AF_UNIX/],
    [v2(0x21, 0x11, good.subarray(0, 8)), /too short for the address block/],
    [v2(0x21, 0x21, good), /too short for the address block/],
    [v2(0x21, 0x11, Buffer.concat([good, Buffer.from([1, 0])])), /truncated TLV/],
    [v2(0x21, 0x11, Buffer.concat([good, Buffer.from([1, 0, 5, 0])])), /TLV longer/],
    [v2(0x21, 0x11, Buffer.alloc(0), 513), /exceeds the limit of 512/],
  ];
  for (const [input, reason] of cases) {
    const r = parseAllWays(input);
    assert.equal(r.kind, 'error', String(reason));
    assert.match(r.kind === 'error' ? r.reason : '', reason);
  }
});

test('feeding after completion is a programming error', () => {
  const parser = new ProxyHeaderParser(OPTS);
  assert.equal(parser.feed(Buffer.from('PROXY UNKNOWN\r\n')).kind, 'done');
  assert.throws(() => parser.feed(Buffer.from('x')), /after the header was complete/);
});
