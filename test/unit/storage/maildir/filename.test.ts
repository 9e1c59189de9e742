import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLetters, encodeLetters, formatMaildirName, parseMaildirName } from '../../../../storage/maildir/filename.js';
import { crlfLength } from '../../../../storage/maildir/files.js';

test('parses base, S= and W= sizes and the :2, flags', () => {
  const p = parseMaildirName('1795322974.M183524P17399.vm,S=28,W=32:2,FRSa')!;
  assert.equal(p.base, '1795322974.M183524P17399.vm,S=28,W=32');
  assert.equal(p.size, 28);
  assert.equal(p.vsize, 32);
  assert.equal(p.letters, 'FRSa');
  assert.deepEqual(decodeLetters(p.letters), {
    flags: { seen: true, answered: true, flagged: true, deleted: false, draft: false },
    keywordIndexes: [0],
  });
  assert.equal(parseMaildirName('.hidden'), null);
  assert.equal(parseMaildirName(':2,S'), null);
});

test('new letters are sorted and keep unknown letters (P, digits), and other info is preserved', () => {
  assert.equal(encodeLetters('PSz', { seen: false, answered: true, flagged: false, deleted: true, draft: true }, [2, 0]), 'DPRTac');
  assert.equal(encodeLetters('X1', { seen: true, answered: false, flagged: false, deleted: false, draft: false }, []), '1SX');
  const odd = parseMaildirName('123.host:1,experimental')!;
  assert.equal(odd.otherInfo, '1,experimental');
  assert.equal(formatMaildirName(odd, 'S'), '123.host:1,experimental');
  assert.equal(formatMaildirName(parseMaildirName('123.host')!, 'FS'), '123.host:2,FS');
});

test('CRLF length counts only lone LFs', () => {
  assert.equal(crlfLength(Buffer.from('a\nb\r\nc\r')), 8);
});
