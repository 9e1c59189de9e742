// Sequence sets (RFC 3501 §9 sequence-set, RFC 5182 `$`) and their resolution against a mailbox.

import type { Cursor } from './cursor.js';
import type { SeqRange, SequenceSet } from './types.js';

function seqNumber(cur: Cursor): number | '*' {
  if (cur.tryChar('*')) return '*';
  const c = cur.peek();
  if (c < 0x30 || c > 0x39) cur.fail(`Invalid sequence set${cur.near()}`);
  const start = cur.pos;
  const n = cur.number('a message number');
  if (n === 0) cur.fail('Invalid sequence set: 0 is not a valid message number');
  if (cur.text[start] === 0x30) cur.fail('Invalid sequence set: leading zero');
  return n;
}

/** Reads a sequence set: `1,3:5,7:*`, ranges in any order, or `$` alone. */
export function parseSequenceSet(cur: Cursor): SequenceSet {
  if (cur.tryChar('$')) return { kind: 'saved' };
  const ranges: SeqRange[] = [];
  for (;;) {
    const from = seqNumber(cur);
    const to = cur.tryChar(':') ? seqNumber(cur) : from;
    ranges.push({ from, to });
    if (!cur.tryChar(',')) break;
  }
  return { kind: 'ranges', ranges };
}

/**
 * Resolves explicit ranges to sorted, merged, inclusive [low, high] pairs, with `*` standing for
 * `largest` (the highest message number or UID in use, 0 for an empty mailbox: a lone `*` then
 * resolves to nothing, `n:*` to 1..n, which the caller's lookup finds empty anyway). Works on
 * ranges and never expands them, so `1:4294967295` is cheap.
 */
export function resolveRanges(ranges: readonly SeqRange[], largest: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const r of ranges) {
    const a = r.from === '*' ? largest : r.from;
    const b = r.to === '*' ? largest : r.to;
    if (a === 0 && b === 0) continue;
    pairs.push(a <= b ? [Math.max(a, 1), b] : [Math.max(b, 1), a]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const p of pairs) {
    const last = merged[merged.length - 1];
    if (last && p[0] <= last[1] + 1) last[1] = Math.max(last[1], p[1]);
    else merged.push([p[0], p[1]]);
  }
  return merged;
}
