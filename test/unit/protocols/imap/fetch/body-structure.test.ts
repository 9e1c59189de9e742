// ENVELOPE, BODY and BODYSTRUCTURE bytes against Dovecot's for every MIME fixture (LF and CRLF).
//
// Three differences are known and explained, each asserted precisely rather than ignored:
// - Dovecot keeps the case of parameter names and disposition types as written; the message
//   layer lowercases them (equal ignoring case);
// - Dovecot sends a folded envelope field as a literal (fold removed); we send the same text
//   quoted (equal as IMAP values);
// - the message layer keeps 8-bit Latin-1 header bytes as U+0080..U+00FF, which we send as
//   UTF-8; Dovecot sends the raw bytes (equal as text).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../../../../../storage/message/parse-message.js';
import { bytesToRawString } from '../../../../../storage/message/header.js';
import { encodeBodyStructure, encodeEnvelope } from '../../../../../protocols/imap/fetch/body-structure.js';
import { parseSexp } from '../../../storage/message/imap-sexp.js';
import type { Sexp } from '../../../storage/message/imap-sexp.js';
import { dovecotItems } from './dovecot.js';
import { generatedMessages } from '../../../storage/message/generated-messages.js';
import { randomEnvelopeMessages, randomMessages, randomParamMessages } from '../../../storage/message/random-messages.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/mime');
const toCrlf = (b: Buffer): Buffer => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

function lower(s: Sexp): Sexp {
  if (Array.isArray(s)) return s.map(lower);
  return typeof s === 'string' ? s.toLowerCase() : s;
}

/** The IMAP value of an item, strings read as text (UTF-8 when valid, else Latin-1). */
function value(item: Buffer): Sexp {
  return parseSexp(item, item.indexOf(0x20) + 1).value;
}

test('BODYSTRUCTURE, BODY and ENVELOPE equal Dovecot byte for byte on the MIME fixtures (known differences asserted)', async () => {
  const names = (await readdir(FIXTURES)).filter((n) => n.endsWith('.eml')).sort();
  assert.ok(names.length >= 15, 'fixtures present');
  const cases: { name: string; bytes: Buffer }[] = [];
  for (const n of names) {
    const lf = await readFile(path.join(FIXTURES, n));
    cases.push({ name: n, bytes: lf }, { name: `${n} (CRLF)`, bytes: toCrlf(lf) });
  }
  const items = ['BODYSTRUCTURE', 'BODY', 'ENVELOPE'];
  const reference = await dovecotItems(cases.map((c) => c.bytes), items);
  const mismatches: string[] = [];
  const explained = new Set<string>();
  let exact = 0;
  for (let i = 0; i < cases.length; i++) {
    const parsed = await parseMessage(cases[i].bytes);
    const ours = [
      Buffer.concat([Buffer.from('BODYSTRUCTURE '), encodeBodyStructure(parsed.root, true)]),
      Buffer.concat([Buffer.from('BODY '), encodeBodyStructure(parsed.root, false)]),
      Buffer.concat([Buffer.from('ENVELOPE '), encodeEnvelope(parsed.envelope)]),
    ];
    items.forEach((item, k) => {
      const theirs = reference[i][k]!;
      if (ours[k].equals(theirs)) {
        exact++;
        return;
      }
      const a = value(ours[k]);
      const b = value(theirs);
      const same = item === 'ENVELOPE' ? JSON.stringify(a) === JSON.stringify(b) : JSON.stringify(lower(a)) === JSON.stringify(lower(b));
      if (same) explained.add(`${cases[i].name.replace(' (CRLF)', '')} ${item}`);
      else mismatches.push(`${cases[i].name} ${item}\n  ours:    ${bytesToRawString(ours[k])}\n  dovecot: ${bytesToRawString(theirs)}`);
    });
  }
  assert.deepEqual(mismatches, [], mismatches.join('\n'));
  assert.deepEqual(
    [...explained].sort(),
    ['8bit-headers-latin1.eml ENVELOPE', 'rfc2231.eml BODY', 'rfc2231.eml BODYSTRUCTURE', 'simple.eml ENVELOPE'],
    'only the known differences',
  );
  assert.equal(exact, cases.length * items.length - 8);
});

test('on generated and seeded random messages every item equals Dovecot as IMAP values, most of them byte for byte', async () => {
  const cases = [...generatedMessages(), ...randomMessages(7, 100), ...randomEnvelopeMessages(8, 100), ...randomParamMessages(9, 100)];
  const items = ['BODYSTRUCTURE', 'BODY', 'ENVELOPE'];
  const reference = await dovecotItems(cases.map((c) => c.bytes), items);
  const mismatches: string[] = [];
  let exact = 0;
  for (let i = 0; i < cases.length; i++) {
    const parsed = await parseMessage(cases[i].bytes);
    const ours = [
      Buffer.concat([Buffer.from('BODYSTRUCTURE '), encodeBodyStructure(parsed.root, true)]),
      Buffer.concat([Buffer.from('BODY '), encodeBodyStructure(parsed.root, false)]),
      Buffer.concat([Buffer.from('ENVELOPE '), encodeEnvelope(parsed.envelope)]),
    ];
    items.forEach((item, k) => {
      const theirs = reference[i][k]!;
      if (ours[k].equals(theirs)) {
        exact++;
        return;
      }
      // the known differences of the first test: name case, folded fields, raw Latin-1 bytes
      const a = value(ours[k]);
      const b = value(theirs);
      const same = item === 'ENVELOPE' ? JSON.stringify(a) === JSON.stringify(b) : JSON.stringify(lower(a)) === JSON.stringify(lower(b));
      if (!same) mismatches.push(`${cases[i].name} ${item}\n  ours:    ${bytesToRawString(ours[k])}\n  dovecot: ${bytesToRawString(theirs)}`);
    });
  }
  assert.deepEqual(mismatches, [], mismatches.join('\n'));
  assert.ok(exact >= cases.length * items.length * 0.8, `${exact} of ${cases.length * items.length} byte for byte`);
});
