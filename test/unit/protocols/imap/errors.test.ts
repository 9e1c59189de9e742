// Storage errors as IMAP replies (protocols/imap/errors.ts): every MailError code has its RFC 5530 code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mailErrorResult, responseCodeFor } from '../../../../protocols/imap/errors.js';
import { MailError, type MailErrorCode } from '../../../../storage/errors.js';

const EXPECTED: Record<MailErrorCode, string> = {
  NotFound: 'NONEXISTENT',
  Exists: 'ALREADYEXISTS',
  InUse: 'INUSE',
  Expunged: 'EXPUNGEISSUED',
  Perm: 'NOPERM',
  TooBig: 'LIMIT',
  QuotaExceeded: 'OVERQUOTA',
  Temp: 'UNAVAILABLE',
  Corrupt: 'CORRUPTION',
  Invalid: 'CANNOT',
  Cannot: 'CANNOT',
};

test('each storage error code maps to its RFC 5530 response code in a tagged NO', () => {
  for (const [code, imap] of Object.entries(EXPECTED) as Array<[MailErrorCode, string]>) {
    assert.equal(responseCodeFor(code), imap);
    assert.deepEqual(mailErrorResult(new MailError(code, 'why'), 'Cannot do it'), { status: 'NO', code: imap, text: 'Cannot do it: why' });
  }
});

test('anything that is not a MailError is left to the caller (a bug, answered SERVERBUG)', () => {
  assert.equal(mailErrorResult(new Error('boom'), 'x'), null);
  assert.equal(mailErrorResult('text', 'x'), null);
});
