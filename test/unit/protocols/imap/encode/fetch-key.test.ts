// Response names of fetch items, derived from parsed FETCH commands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchResponseKey } from '../../../../../protocols/imap/encode/fetch-key.js';
import { run } from '../parser/harness.js';

function keysOf(items: string): string[] {
  const ev = run(`a FETCH 1 (${items})\r\n`)[0];
  assert.ok(ev.kind === 'command' && ev.command.name === 'FETCH', JSON.stringify(ev));
  return ev.command.args.items.map(fetchResponseKey);
}

test('BODY.PEEK answers as BODY, partials show their origin only', () => {
  assert.deepEqual(keysOf('BODY.PEEK[] body[text]<5.3> BODY.PEEK[1.2.MIME] body.peek[1.HEADER.FIELDS.NOT (date X-Foo)]<0.10>'), [
    'BODY[]', 'BODY[TEXT]<5>', 'BODY[1.2.MIME]', 'BODY[1.HEADER.FIELDS.NOT (DATE X-FOO)]<0>',
  ]);
});

test('BINARY items and simple attributes', () => {
  assert.deepEqual(keysOf('BINARY.PEEK[1.2]<0.7> BINARY[] BINARY.SIZE[3] uid rfc822.size BODYSTRUCTURE'), [
    'BINARY[1.2]<0>', 'BINARY[]', 'BINARY.SIZE[3]', 'UID', 'RFC822.SIZE', 'BODYSTRUCTURE',
  ]);
});
