import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthPenalty } from '../../../../src/auth/penalty.js';
import { penaltyKey } from '../../../../src/auth/ip-group.js';

/** A fake clock whose sleep advances time and records each wait. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void; slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    advance: (ms) => {
      t += ms;
    },
    slept,
  };
}

test('consecutive failures delay the next attempt 0, 2, 4, 8 then the 15 s cap', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, now: c.now, sleep: c.sleep });
  const seen: number[] = [];
  for (let i = 0; i < 7; i++) {
    seen.push(p.delayMs('192.0.2.1') / 1000);
    p.failure('192.0.2.1');
  }
  assert.deepEqual(seen, [0, 2, 4, 8, 15, 15, 15]);
  assert.equal(p.penaltySeconds('192.0.2.1'), 15);
});

test('the cap follows the configured maximum, and 0 disables the penalty', () => {
  const c = fakeClock();
  const p5 = new AuthPenalty({ maxSeconds: 5, now: c.now });
  const p0 = new AuthPenalty({ maxSeconds: 0, now: c.now });
  const seen: number[] = [];
  for (let i = 0; i < 4; i++) {
    seen.push(p5.penaltySeconds('a'));
    p5.failure('a');
    p0.failure('a');
  }
  assert.deepEqual(seen, [0, 2, 4, 5]);
  assert.equal(p0.delayMs('a'), 0);
  assert.throws(() => new AuthPenalty({ maxSeconds: -1 }), RangeError);
});

test('wait sleeps the delay through the injected sleep', async () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, now: c.now, sleep: c.sleep });
  for (let i = 0; i < 5; i++) {
    await p.wait('198.51.100.7');
    p.failure('198.51.100.7');
  }
  assert.deepEqual(c.slept, [2000, 4000, 8000, 15000]);
});

test('time already waited since the last failure counts toward the delay', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, now: c.now });
  p.failure('x');
  p.failure('x');
  p.failure('x');
  assert.equal(p.delayMs('x'), 8000);
  c.advance(3000);
  assert.equal(p.delayMs('x'), 5000);
  c.advance(10_000);
  assert.equal(p.delayMs('x'), 0);
  assert.equal(p.penaltySeconds('x'), 8, 'the level stays until success or expiry');
  p.failure('x');
  assert.equal(p.delayMs('x'), 15000);
});

test('a success resets the client', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, now: c.now });
  for (let i = 0; i < 4; i++) p.failure('203.0.113.5');
  p.success('203.0.113.5');
  assert.equal(p.delayMs('203.0.113.5'), 0);
  p.failure('203.0.113.5');
  assert.equal(p.delayMs('203.0.113.5'), 2000);
});

test('clients are counted separately', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, now: c.now });
  p.failure('192.0.2.1');
  p.failure('192.0.2.1');
  assert.equal(p.delayMs('192.0.2.1'), 4000);
  assert.equal(p.delayMs('192.0.2.2'), 0);
});

test('entries expire after the configured time since the last failure', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, expireSeconds: 600, now: c.now });
  for (let i = 0; i < 3; i++) p.failure('192.0.2.9');
  c.advance(599_000);
  assert.equal(p.penaltySeconds('192.0.2.9'), 8);
  c.advance(1000);
  assert.equal(p.penaltySeconds('192.0.2.9'), 0);
  assert.equal(p.size, 0, 'the expired entry is dropped');
  p.failure('192.0.2.9');
  assert.equal(p.penaltySeconds('192.0.2.9'), 2, 'counting starts again');
});

test('memory is bounded: the least recently failed clients are forgotten first', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, maxEntries: 3, now: c.now });
  p.failure('10.0.0.1');
  p.failure('10.0.0.2');
  p.failure('10.0.0.3');
  p.failure('10.0.0.1'); // 10.0.0.1 is now the most recent
  p.failure('10.0.0.4');
  assert.equal(p.size, 3);
  assert.equal(p.penaltySeconds('10.0.0.2'), 0, 'oldest evicted');
  assert.equal(p.penaltySeconds('10.0.0.1'), 4);
  assert.equal(p.penaltySeconds('10.0.0.3'), 2);
  assert.equal(p.penaltySeconds('10.0.0.4'), 2);
  for (let i = 0; i < 1000; i++) p.failure(`10.1.${i >> 8}.${i & 255}`);
  assert.equal(p.size, 3);
});

test('expired entries are pruned when new failures arrive', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, expireSeconds: 60, now: c.now });
  for (let i = 0; i < 50; i++) p.failure(`10.2.0.${i}`);
  c.advance(61_000);
  p.failure('10.3.0.1');
  assert.equal(p.size, 1);
});

test('IPv6 addresses of one /64 share a penalty; other /64s do not', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, now: c.now });
  p.failure('2001:db8:1:2::1');
  p.failure('2001:db8:1:2:ffff:ffff:ffff:ffff');
  p.failure('2001:0db8:0001:0002:0:0:0:abcd');
  assert.equal(p.penaltySeconds('2001:db8:1:2:dead:beef::1'), 8);
  assert.equal(p.penaltySeconds('2001:db8:1:3::1'), 0);
  p.success('2001:db8:1:2::99');
  assert.equal(p.penaltySeconds('2001:db8:1:2::1'), 0);
});

test('IPv4-mapped IPv6 addresses count as their IPv4 address', () => {
  const c = fakeClock();
  const p = new AuthPenalty({ maxSeconds: 15, now: c.now });
  p.failure('::ffff:192.0.2.33');
  assert.equal(p.penaltySeconds('192.0.2.33'), 2);
  assert.equal(p.penaltySeconds('192.0.2.34'), 0);
});

test('penaltyKey normalizes address spellings', () => {
  assert.equal(penaltyKey('192.0.2.1'), '192.0.2.1');
  assert.equal(penaltyKey('::ffff:c000:0201'), '192.0.2.1');
  assert.equal(penaltyKey('2001:DB8::1'), '2001:db8:0:0::/64');
  assert.equal(penaltyKey('[2001:db8:a:b:c:d:e:f]'), '2001:db8:a:b::/64');
  assert.equal(penaltyKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(penaltyKey('1:2:3:4:5:6:192.0.2.1'), '1:2:3:4::/64');
  assert.equal(penaltyKey('not-an-ip'), 'not-an-ip');
});
