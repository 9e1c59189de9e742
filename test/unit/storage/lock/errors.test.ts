import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LockError, lockErrorFromSystem } from '../../../../storage/lock/errors.js';
import { MailError, isMailError } from '../../../../storage/errors.js';

test('lock errors are MailErrors with the storage codes', () => {
  const e = new LockError('InUse', '/var/mail/u', 'busy');
  assert.ok(e instanceof MailError);
  assert.ok(isMailError(e, 'InUse'));
  assert.equal(e.path, '/var/mail/u');
});

test('system errors map to Perm, NotFound and Temp', () => {
  const sys = (code: string) => Object.assign(new Error(code), { code });
  assert.equal(lockErrorFromSystem(sys('EACCES'), '/x', 'w').code, 'Perm');
  assert.equal(lockErrorFromSystem(sys('EROFS'), '/x', 'w').code, 'Perm');
  assert.equal(lockErrorFromSystem(sys('ENOENT'), '/x', 'w').code, 'NotFound');
  assert.equal(lockErrorFromSystem(sys('EIO'), '/x', 'w').code, 'Temp');
  const keep = new LockError('InUse', '/x', 'busy');
  assert.equal(lockErrorFromSystem(keep, '/y', 'w'), keep);
});
