import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAddress, parseNetwork, parseNetworks, NetworkParseError } from '../../../../src/net/cidr.js';

test('IPv4 CIDR blocks contain exactly the addresses inside the prefix', () => {
  const list = parseNetworks(['10.0.0.0/8', '192.168.1.0/24']);
  assert.equal(list.contains('10.255.1.2'), true);
  assert.equal(list.contains('11.0.0.1'), false);
  assert.equal(list.contains('192.168.1.255'), true);
  assert.equal(list.contains('192.168.2.0'), false);
});

test('a single address matches only itself', () => {
  const list = parseNetworks(['203.0.113.7', '2001:db8::1']);
  assert.equal(list.contains('203.0.113.7'), true);
  assert.equal(list.contains('203.0.113.8'), false);
  assert.equal(list.contains('2001:db8::1'), true);
  assert.equal(list.contains('2001:db8:0:0:0:0:0:1'), true);
  assert.equal(list.contains('2001:db8::2'), false);
});

test('IPv6 CIDR blocks compare 128-bit values, whatever the notation', () => {
  const list = parseNetworks(['2001:db8::/32', 'fe80::/10']);
  assert.equal(list.contains('2001:0db8:ffff::1'), true);
  assert.equal(list.contains('2001:db9::1'), false);
  assert.equal(list.contains('febf::1'), true);
  assert.equal(list.contains('fec0::1'), false);
  assert.equal(list.contains('fe80::1%eth0'), true);
});

test('an IPv4-mapped IPv6 client matches IPv4 networks and vice versa', () => {
  const v4 = parseNetworks(['127.0.0.0/8']);
  assert.equal(v4.contains('::ffff:127.0.0.1'), true);
  assert.equal(v4.contains('::FFFF:7f00:1'), true);
  assert.equal(v4.contains('::ffff:128.0.0.1'), false);
  const mapped = parseNetworks(['::ffff:10.0.0.0/104']);
  assert.deepEqual({ family: mapped.networks[0].family, prefix: mapped.networks[0].prefix }, { family: 4, prefix: 8 });
  assert.equal(mapped.contains('10.9.8.7'), true);
  assert.equal(mapped.contains('11.0.0.0'), false);
});

test('an IPv4-compatible or other embedded-IPv4 address is not treated as mapped', () => {
  const v4 = parseNetworks(['1.2.3.4']);
  assert.equal(v4.contains('::1.2.3.4'), false);
  assert.equal(v4.contains('64:ff9b::1.2.3.4'), false);
  assert.equal(parseNetworks(['::1.2.3.4']).contains('::102:304'), true);
});

test('host bits in a network entry are masked off', () => {
  const n = parseNetwork('192.168.1.77/24');
  assert.equal(n.base, 0xc0a80100n);
  assert.equal(parseNetworks(['192.168.1.77/24']).contains('192.168.1.1'), true);
});

test('prefix 0 matches every address of that family only', () => {
  const list = parseNetworks(['0.0.0.0/0']);
  assert.equal(list.contains('8.8.8.8'), true);
  assert.equal(list.contains('2001:db8::1'), false);
  assert.equal(parseNetworks(['::/0']).contains('2001:db8::1'), true);
});

test('invalid entries are rejected with the entry and a reason', () => {
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0/8', 'example.com', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', 'fe80::1%eth0', '::ffff:1.2.3.4/95', '']) {
    assert.throws(() => parseNetworks([bad]), (err: unknown) => err instanceof NetworkParseError && err.entry === bad, bad);
  }
});

test('a non-address never matches', () => {
  assert.equal(parseNetworks(['0.0.0.0/0', '::/0']).contains('not-an-ip'), false);
});

test('normalizeAddress unmaps IPv4-mapped addresses and drops zones', () => {
  assert.equal(normalizeAddress('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(normalizeAddress('::ffff:c000:201'), '192.0.2.1');
  assert.equal(normalizeAddress('fe80::1%lo'), 'fe80::1');
  assert.equal(normalizeAddress('2001:db8::1'), '2001:db8::1');
  assert.equal(normalizeAddress('127.0.0.1'), '127.0.0.1');
});
