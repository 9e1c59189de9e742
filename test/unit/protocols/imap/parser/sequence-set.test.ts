// resolveRanges: turning parsed sequence sets into sorted, merged ranges against a mailbox size.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRanges } from '../../../../../protocols/imap/parser/sequence-set.js';
import type { SeqRange } from '../../../../../protocols/imap/parser/types.js';

const r = (from: number | '*', to: number | '*' = from): SeqRange => ({ from, to });

test('reversed ranges are normalised and overlapping or adjacent ones merged', () => {
  assert.deepEqual(resolveRanges([r(5, 2), r(7), r(3, 4), r(8, 9)], 10), [[2, 5], [7, 9]]);
});

test('* stands for the largest number, on either side of a range', () => {
  assert.deepEqual(resolveRanges([r('*', 3)], 5), [[3, 5]]);
  assert.deepEqual(resolveRanges([r('*')], 5), [[5, 5]]);
  assert.deepEqual(resolveRanges([r(6, '*')], 5), [[5, 6]]);
});

test('an empty mailbox makes * match nothing', () => {
  assert.deepEqual(resolveRanges([r('*'), r(1, '*')], 0), [[1, 1]]);
  assert.deepEqual(resolveRanges([r('*')], 0), []);
});

test('huge UID ranges are kept as ranges, never expanded', () => {
  assert.deepEqual(resolveRanges([r(1, 4294967295), r(17)], 3), [[1, 4294967295]]);
});
