import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromLine } from '../../../../storage/mbox/from-line.js';

test('classic asctime From lines parse with sender, date and UTC time', () => {
  const f = parseFromLine('From alice@example.org Thu Nov 19 10:20:30 2026');
  assert.deepEqual(f, { sender: 'alice@example.org', date: 'Thu Nov 19 10:20:30 2026', time: Date.UTC(2026, 10, 19, 10, 20, 30), hasZone: false });
});

test('tolerated forms: padded day, no seconds, zones, no weekday, swapped day, 2-digit year, RFC 2822 style', () => {
  const cases: [string, number][] = [
    ['From MAILER-DAEMON Fri Jan  2 03:04:05 2026', Date.UTC(2026, 0, 2, 3, 4, 5)],
    ['From a@b Fri Jan 2 03:04 2026', Date.UTC(2026, 0, 2, 3, 4, 0)],
    ['From a@b Thu Nov 29 22:33:52 EET 2007', Date.UTC(2007, 10, 29, 22, 33, 52)],
    ['From a@b Mon Mar  1 12:00:00 2021 +0200', Date.UTC(2021, 2, 1, 10, 0, 0)],
    ['From a@b Mon Mar  1 12:00:00 -0130 2021', Date.UTC(2021, 2, 1, 13, 30, 0)],
    ['From a@b Mar 1 12:00:00 2021', Date.UTC(2021, 2, 1, 12, 0, 0)],
    ['From a@b Mon 1 Mar 12:00:00 2021', Date.UTC(2021, 2, 1, 12, 0, 0)],
    ['From a@b Mon Mar 1 12:00:00 99', Date.UTC(1999, 2, 1, 12, 0, 0)],
    ['From a@b Mon, 1 Mar 2021 12:00:00 +0000', Date.UTC(2021, 2, 1, 12, 0, 0)],
    ['From a@b\tMon Mar  1 12:00:00 2021', Date.UTC(2021, 2, 1, 12, 0, 0)],
  ];
  for (const [line, time] of cases) {
    const f = parseFromLine(line);
    assert.ok(f, line);
    assert.equal(f.time, time, line);
  }
  assert.equal(parseFromLine('From a@b Mon Mar  1 12:00:00 2021 +0200')?.hasZone, true);
  assert.equal(parseFromLine('From a@b Mon Mar  1 12:00:00 GMT 2021')?.hasZone, true);
});

test('empty and space-containing senders are kept', () => {
  assert.equal(parseFromLine('From  Thu Nov 19 10:20:30 2026')?.sender, '');
  assert.equal(parseFromLine('From Thu Nov 19 10:20:30 2026')?.sender, '');
  assert.equal(parseFromLine('From "john smith"@example.org Thu Nov 19 10:20:30 2026')?.sender, '"john smith"@example.org');
});

test('prose and broken dates are not separators', () => {
  for (const line of [
    'From what I hear, the meeting is on Thu Nov 19',
    'From a@b',
    'From ',
    'From a@b Thu Nov 19 2026',
    'From a@b Thu Nov 19 10:20:30',
    'From a@b Thu Foo 19 10:20:30 2026',
    'From a@b Thu Nov 32 10:20:30 2026',
    'From a@b Thu Feb 30 10:20:30 2026',
    'From a@b Thu Nov 19 25:20:30 2026',
    'From a@b Thu Nov 19 10:20:30 2026 and more words',
    'from a@b Thu Nov 19 10:20:30 2026',
    '>From a@b Thu Nov 19 10:20:30 2026',
    'From: a@b Thu Nov 19 10:20:30 2026 x',
  ]) {
    assert.equal(parseFromLine(line), null, line);
  }
});
