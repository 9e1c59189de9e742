// Our structure, sizes, line counts and envelopes against Dovecot's for every MIME fixture, in
// LF and CRLF form: the numbers the IMAP layer will send must agree with a reference server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../../../../storage/message/parse-message.js';
import { dovecotFetch } from './dovecot-fetch.js';
import { bodyShape, envelopeShape, normalizeDovecotBody } from './imap-shape.js';
import { generatedMessages } from './generated-messages.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/mime');

function toCrlf(buf: Buffer): Buffer {
  return Buffer.from(buf.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

test('structure, size, lines and envelope agree with Dovecot for every fixture (LF and CRLF files)', async () => {
  const names = (await readdir(FIXTURES)).filter((n) => n.endsWith('.eml')).sort();
  assert.ok(names.length >= 15, 'fixtures present');
  const cases: { name: string; bytes: Buffer }[] = [];
  for (const n of names) {
    const lf = await readFile(path.join(FIXTURES, n));
    cases.push({ name: n, bytes: lf }, { name: `${n} (CRLF)`, bytes: toCrlf(lf) });
  }
  for (const g of generatedMessages()) cases.push(g);
  const views = await dovecotFetch(cases.map((c) => c.bytes));
  const mismatches: string[] = [];
  const check = (what: string, actual: unknown, expected: unknown): void => {
    try {
      assert.deepEqual(actual, expected);
    } catch {
      mismatches.push(`${what}\n  ours:    ${JSON.stringify(actual)}\n  dovecot: ${JSON.stringify(expected)}`);
    }
  };
  for (let i = 0; i < cases.length; i++) {
    const parsed = await parseMessage(cases[i].bytes);
    const view = views[i];
    check(`${cases[i].name}: size`, parsed.size, view.size);
    check(`${cases[i].name}: BODYSTRUCTURE`, bodyShape(parsed.root), normalizeDovecotBody(view.bodystructure));
    check(`${cases[i].name}: ENVELOPE`, envelopeShape(parsed.envelope), view.envelope);
  }
  assert.deepEqual(mismatches, [], mismatches.join('\n'));
});
