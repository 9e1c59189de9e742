// LIST/LSUB pattern matching (protocols/imap/commands/list-match.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinReference, patternMatcher } from '../../../../../protocols/imap/commands/list-match.js';

const NAMES = ['INBOX', 'INBOX.Sub', 'Work', 'Work.2024', 'Work.2024.Q1', 'a.b', 'x*y', 'Sent'];
const matching = (pattern: string): string[] => NAMES.filter(patternMatcher(pattern, '.'));

test('* matches across levels, % within one level', () => {
  assert.deepEqual(matching('*'), NAMES);
  assert.deepEqual(matching('%'), ['INBOX', 'Work', 'x*y', 'Sent']);
  assert.deepEqual(matching('Work.%'), ['Work.2024']);
  assert.deepEqual(matching('Work*'), ['Work', 'Work.2024', 'Work.2024.Q1']);
  assert.deepEqual(matching('%.%'), ['INBOX.Sub', 'Work.2024', 'a.b']);
});

test('regex characters in names and patterns are literal', () => {
  assert.deepEqual(matching('a.b'), ['a.b']);
  assert.deepEqual(matching('a?b'), []);
  assert.deepEqual(matching('x*'), ['x*y']);
});

test('INBOX matches in any case, other names are case-sensitive', () => {
  assert.deepEqual(matching('inbox'), ['INBOX']);
  assert.deepEqual(matching('iNbOx.%'), ['INBOX.Sub']);
  assert.deepEqual(matching('work'), []);
  assert.deepEqual(matching('inbox*'), ['INBOX', 'INBOX.Sub']);
});

test('the reference is prefixed to the pattern without doubling the delimiter', () => {
  assert.equal(joinReference('', 'Work', '.'), 'Work');
  assert.equal(joinReference('Work.', '%', '.'), 'Work.%');
  assert.equal(joinReference('Work.', '.x', '.'), 'Work.x');
  assert.equal(joinReference('Work', '.x', '.'), 'Work.x');
});
