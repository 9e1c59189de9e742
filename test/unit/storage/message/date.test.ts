// RFC 5322 date parsing, including obsolete forms.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRfc5322Date, parseRfc5322DateWithZone } from '../../../../storage/message/date.js';

const iso = (v: string): string | null => parseRfc5322Date(v)?.toISOString() ?? null;

test('current syntax with numeric zones', () => {
  assert.equal(iso('Tue, 3 Mar 2026 09:59:58 +0100'), '2026-03-03T08:59:58.000Z');
  assert.equal(iso('Thu, 05 Mar 2026 14:30:00 -0930'), '2026-03-06T00:00:00.000Z');
  assert.deepEqual(parseRfc5322DateWithZone('1 Jan 2026 00:00:00 -0500')?.zoneMinutes, -300);
});

test('obsolete and damaged forms', () => {
  assert.equal(iso('1 Mar 2026 08:00 GMT'), '2026-03-01T08:00:00.000Z');
  assert.equal(iso('Mon, 2 Feb 98 10:00:00 EST'), '1998-02-02T15:00:00.000Z');
  assert.equal(iso('2 Feb 03 10:00:00 PDT'), '2003-02-02T17:00:00.000Z');
  assert.equal(iso('2 Feb 103 10:00:00 +0000'), '2003-02-02T10:00:00.000Z');
  assert.equal(iso('Wed,  4 Mar 2026 12:00:00 (comment) -0500 (EST)'), '2026-03-04T17:00:00.000Z');
  assert.equal(iso('Wednesday, 4 March 2026 12:00:00 +0000'), '2026-03-04T12:00:00.000Z');
  assert.equal(iso('4 Mar 2026 12:00:00'), '2026-03-04T12:00:00.000Z');
  assert.equal(iso('4 Mar 2026 12:00:00 Z'), '2026-03-04T12:00:00.000Z');
  assert.equal(iso('4 Mar 2026 12.00.30 +0000'), '2026-03-04T12:00:30.000Z');
  assert.equal(iso('Mar 4 2026 12:00:00 +0000'), '2026-03-04T12:00:00.000Z');
});

test('garbage gives null, never throws', () => {
  for (const v of ['', 'yesterday', '31 Feb 2026 10:00:00 +0000', '1 Foo 2026 10:00 +0000', '1 Mar 2026 25:00 +0000', '1 Mar 2026 10:00 +0099', '1 Mar 2026 10:00 +zone', '((', '1 Mar x 10:00']) {
    assert.equal(parseRfc5322Date(v), null, v);
  }
});
