import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalName, maildirFolderDir, maildirFolderName, validateMailboxName } from '../../../storage/names.js';
import { isMailError } from '../../../storage/errors.js';

test('INBOX is case-insensitive and canonical, also as a parent', () => {
  assert.equal(validateMailboxName('inbox', '.'), 'INBOX');
  assert.equal(canonicalName('InBox.sub', '.'), 'INBOX.sub');
  assert.equal(validateMailboxName('Inboxes', '.'), 'Inboxes');
});

test('path tricks, control characters and empty components are refused', () => {
  const bad = ['', '..', 'a..b', '.hidden', 'a.', 'a/b', '../etc', 'x\\y', 'ctl\x01', 'del\x7f', 'a.~b', 'wild*', 'p%', 'c1\u0085'];
  for (const b of bad) assert.throws(() => validateMailboxName(b, '.'), (e) => isMailError(e, 'Invalid'), JSON.stringify(b));
});

test('length and depth limits are parameters', () => {
  const limits = { maxLength: 10, maxComponentBytes: 5, maxDepth: 2 };
  assert.throws(() => validateMailboxName('abcdefghijk', '.', limits), (e) => isMailError(e, 'Invalid'));
  assert.throws(() => validateMailboxName('abcdef', '.', limits), (e) => isMailError(e, 'Invalid'));
  assert.throws(() => validateMailboxName('a.b.c', '.', limits), (e) => isMailError(e, 'Invalid'));
  assert.equal(validateMailboxName('ab.cd', '.', limits), 'ab.cd');
});

test('Maildir++ directory names use modified UTF-7 and decode back', () => {
  assert.equal(maildirFolderDir('INBOX'), '');
  assert.equal(maildirFolderDir('Lists.linux'), '.Lists.linux');
  assert.equal(maildirFolderDir('Entwürfe'), '.Entw&APw-rfe');
  assert.equal(maildirFolderName('.Entw&APw-rfe'), 'Entwürfe');
  assert.equal(maildirFolderName('.Lists.linux'), 'Lists.linux');
  for (const odd of ['.', '..', 'cur', '.a..b', '.bad&', '.x&AGE-', '.INBOX']) assert.equal(maildirFolderName(odd), null, odd);
});
