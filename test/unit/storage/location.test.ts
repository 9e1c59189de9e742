import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandMailVariables, parseMailLocation } from '../../../storage/location.js';
import { isMailError } from '../../../storage/errors.js';

const user = { username: 'jane@example.org', home: '/home/jane' };

test('maildir location expands ~ and keeps options', () => {
  const loc = parseMailLocation('maildir:~/Maildir:INDEX=/var/index/%d/%n:LAYOUT=fs:FOO=bar', user);
  assert.deepEqual(loc, {
    format: 'maildir',
    root: '/home/jane/Maildir',
    index: '/var/index/example.org/jane',
    layout: 'fs',
    options: { FOO: 'bar' },
  });
});

test('mbox location with INBOX spool and %u, and :: as a literal colon', () => {
  const loc = parseMailLocation('mbox:~/mail:INBOX=/var/mail/%u', user);
  assert.equal(loc.format, 'mbox');
  assert.equal(loc.root, '/home/jane/mail');
  assert.equal(loc.inbox, '/var/mail/jane@example.org');
  assert.equal(parseMailLocation('maildir:/srv/a::b', user).root, '/srv/a:b');
});

test('variables: %n %d %h %% and unknown ones refused', () => {
  assert.equal(expandMailVariables('%h/%n-%d-100%%', user), '/home/jane/jane-example.org-100%');
  assert.throws(() => expandMailVariables('%x', user), (e) => isMailError(e, 'Invalid'));
});

test('bad locations get clear errors', () => {
  for (const bad of ['imap:/x', 'maildir:', 'maildir:relative/path', 'maildir:/x:NOVALUE', 'maildir:/x:LAYOUT=weird']) {
    assert.throws(() => parseMailLocation(bad, user), (e) => isMailError(e, 'Invalid'), bad);
  }
  assert.throws(() => parseMailLocation('maildir:~/M', { username: 'u', home: '' }), (e) => isMailError(e, 'Invalid'));
  assert.throws(() => parseMailLocation('maildir:/m/%n', { username: '../x', home: '/h' }), (e) => isMailError(e, 'Invalid'));
});
