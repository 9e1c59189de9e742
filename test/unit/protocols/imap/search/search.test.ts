// IMAP SEARCH keys → storage query, CHARSET, and the SEARCH / ESEARCH / SAVE encoding.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapParser } from '../../../../../protocols/imap/parser/parser.js';
import type { SearchArgs, SequenceSet } from '../../../../../protocols/imap/parser/types.js';
import { charsetSupported, effectiveOptions, esearchLine, savedResult, searchLine, searchQuery } from '../../../../../protocols/imap/search/index.js';

function args(text: string): SearchArgs {
  const parser = new ImapParser({ maxLineBytes: 65536, maxLiteralBytes: 1 << 20, maxNesting: 16, literalPlus: true });
  parser.feed(Buffer.from(`a SEARCH ${text}\r\n`));
  const ev = parser.next();
  if (ev.kind !== 'command' || ev.command.name !== 'SEARCH') throw new Error(`not a SEARCH: ${JSON.stringify(ev)}`);
  return ev.command.args;
}

/** A resolver that records calls: sequence numbers n → UID 100+n, UIDs kept. */
function resolver(): (set: SequenceSet, uid: boolean) => ReadonlySet<number> {
  return (set, uid) => {
    if (set.kind === 'saved') return new Set([7]);
    const out = new Set<number>();
    for (const r of set.ranges) for (let n = Number(r.from); n <= Number(r.to); n++) out.add(uid ? n : 100 + n);
    return out;
  };
}

test('every RFC 3501 key maps to its storage query', () => {
  const q = (text: string) => searchQuery(args(text), resolver());
  assert.deepEqual(q('ALL'), { kind: 'all' });
  assert.deepEqual(q('SEEN'), { kind: 'flag', flag: 'seen', set: true });
  assert.deepEqual(q('UNSEEN'), { kind: 'flag', flag: 'seen', set: false });
  assert.deepEqual(q('ANSWERED UNANSWERED'), { kind: 'and', operands: [{ kind: 'flag', flag: 'answered', set: true }, { kind: 'flag', flag: 'answered', set: false }] });
  assert.deepEqual(q('DELETED'), { kind: 'flag', flag: 'deleted', set: true });
  assert.deepEqual(q('UNDRAFT'), { kind: 'flag', flag: 'draft', set: false });
  assert.deepEqual(q('FLAGGED'), { kind: 'flag', flag: 'flagged', set: true });
  assert.deepEqual(q('RECENT'), { kind: 'recent', set: true });
  assert.deepEqual(q('OLD'), { kind: 'recent', set: false });
  assert.deepEqual(q('NEW'), { kind: 'and', operands: [{ kind: 'recent', set: true }, { kind: 'flag', flag: 'seen', set: false }] });
  assert.deepEqual(q('FROM alice'), { kind: 'header', field: 'from', value: 'alice' });
  assert.deepEqual(q('TO "b b"'), { kind: 'header', field: 'to', value: 'b b' });
  assert.deepEqual(q('CC c'), { kind: 'header', field: 'cc', value: 'c' });
  assert.deepEqual(q('BCC d'), { kind: 'header', field: 'bcc', value: 'd' });
  assert.deepEqual(q('SUBJECT hi'), { kind: 'header', field: 'subject', value: 'hi' });
  assert.deepEqual(q('HEADER X-Foo ""'), { kind: 'header', field: 'X-Foo', value: '' });
  assert.deepEqual(q('BODY x'), { kind: 'body', value: 'x' });
  assert.deepEqual(q('TEXT y'), { kind: 'text', value: 'y' });
  assert.deepEqual(q('BEFORE 1-Feb-1994'), { kind: 'internal-date', comparison: 'before', date: { year: 1994, month: 2, day: 1 } });
  assert.deepEqual(q('ON 1-Feb-1994'), { kind: 'internal-date', comparison: 'on', date: { year: 1994, month: 2, day: 1 } });
  assert.deepEqual(q('SINCE 1-Feb-1994'), { kind: 'internal-date', comparison: 'since', date: { year: 1994, month: 2, day: 1 } });
  assert.deepEqual(q('SENTBEFORE 2-Mar-2000'), { kind: 'sent-date', comparison: 'before', date: { year: 2000, month: 3, day: 2 } });
  assert.deepEqual(q('SENTON 2-Mar-2000'), { kind: 'sent-date', comparison: 'on', date: { year: 2000, month: 3, day: 2 } });
  assert.deepEqual(q('SENTSINCE 2-Mar-2000'), { kind: 'sent-date', comparison: 'since', date: { year: 2000, month: 3, day: 2 } });
  assert.deepEqual(q('KEYWORD $Label'), { kind: 'keyword', keyword: '$Label', set: true });
  assert.deepEqual(q('UNKEYWORD $Label'), { kind: 'keyword', keyword: '$Label', set: false });
  assert.deepEqual(q('LARGER 10'), { kind: 'size', comparison: 'larger', size: 10 });
  assert.deepEqual(q('SMALLER 10'), { kind: 'size', comparison: 'smaller', size: 10 });
  assert.deepEqual(q('OLDER 60'), { kind: 'age', comparison: 'older', seconds: 60 });
  assert.deepEqual(q('YOUNGER 60'), { kind: 'age', comparison: 'younger', seconds: 60 });
  assert.deepEqual(q('UID 3:4'), { kind: 'uid', uids: new Set([3, 4]) });
  assert.deepEqual(q('2:3'), { kind: 'uid', uids: new Set([102, 103]) });
  assert.deepEqual(q('$'), { kind: 'uid', uids: new Set([7]) });
  assert.deepEqual(q('NOT SEEN'), { kind: 'not', operand: { kind: 'flag', flag: 'seen', set: true } });
  assert.deepEqual(q('OR SEEN (DRAFT 1)'), {
    kind: 'or',
    operands: [
      { kind: 'flag', flag: 'seen', set: true },
      { kind: 'and', operands: [{ kind: 'flag', flag: 'draft', set: true }, { kind: 'uid', uids: new Set([101]) }] },
    ],
  });
});

test('CHARSET UTF-8 and US-ASCII are accepted in any case, others are not', () => {
  assert.equal(charsetSupported(args('ALL')), true);
  assert.equal(charsetSupported(args('CHARSET utf-8 ALL')), true);
  assert.equal(charsetSupported(args('CHARSET US-ASCII ALL')), true);
  assert.equal(charsetSupported(args('CHARSET ISO-8859-1 ALL')), false);
});

test('SEARCH and ESEARCH lines: empty results, MIN/MAX/COUNT/ALL, UID marker, tag quoting', () => {
  assert.equal(searchLine([]).toString(), '* SEARCH\r\n');
  assert.equal(searchLine([1, 5]).toString(), '* SEARCH 1 5\r\n');
  const all = effectiveOptions([]);
  assert.deepEqual([...all], ['ALL']);
  assert.equal(esearchLine('a1', false, all, [5, 1, 2, 3])?.toString(), '* ESEARCH (TAG "a1") ALL 1:3,5\r\n');
  assert.equal(esearchLine('a1', true, effectiveOptions(['MIN', 'MAX', 'COUNT']), [9, 4])?.toString(), '* ESEARCH (TAG "a1") UID MIN 4 MAX 9 COUNT 2\r\n');
  assert.equal(esearchLine('a1', false, effectiveOptions(['MIN', 'MAX', 'ALL']), [])?.toString(), '* ESEARCH (TAG "a1")\r\n');
  assert.equal(esearchLine('a1', true, effectiveOptions(['COUNT']), [])?.toString(), '* ESEARCH (TAG "a1") UID COUNT 0\r\n');
  assert.equal(esearchLine('a"b', false, effectiveOptions(['COUNT']), [])?.toString(), '* ESEARCH (TAG "a\\"b") COUNT 0\r\n');
  assert.equal(esearchLine('a1', false, effectiveOptions(['SAVE']), [1]), null, 'SAVE alone sends no ESEARCH');
});

test('SAVE keeps all matches, or only MIN/MAX when asked alone (RFC 5182 §2.4)', () => {
  assert.deepEqual(savedResult(effectiveOptions(['SAVE']), [9, 3, 5]), [3, 5, 9]);
  assert.deepEqual(savedResult(effectiveOptions(['SAVE', 'MIN']), [9, 3, 5]), [3]);
  assert.deepEqual(savedResult(effectiveOptions(['SAVE', 'MIN', 'MAX']), [9, 3, 5]), [3, 9]);
  assert.deepEqual(savedResult(effectiveOptions(['SAVE', 'MIN', 'COUNT']), [9, 3, 5]), [3, 5, 9]);
  assert.deepEqual(savedResult(effectiveOptions(['SAVE', 'MAX']), []), []);
});
