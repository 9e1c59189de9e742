// Chunk-boundary and fuzz checks: the scanner must give identical records for every read buffer
// size (1..64 bytes and the default), and its records must obey the splitting rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { scanMbox, type MboxScanResult } from '../../../../storage/mbox/scanner.js';
import { parseFromLine } from '../../../../storage/mbox/from-line.js';
import { tempDir, tiles, DATE } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  t = await tempDir();
});
after(() => t.cleanup());

/** Checks the rules on a result: tiling, From lines at starts, no separator inside a scanned body. */
function checkRules(bytes: Buffer, r: MboxScanResult): void {
  assert.ok(tiles(r), 'messages tile the file');
  for (const m of r.messages) {
    const nl = bytes.indexOf(0x0a, m.fromOffset);
    const fromEnd = nl < 0 ? bytes.length : nl;
    const text = bytes.toString('utf8', m.fromOffset, fromEnd).replace(/\r$/, '');
    assert.ok(parseFromLine(text), `valid From line at ${m.fromOffset}`);
    if (m.fromOffset > 0 && m.fromOffset !== r.leadingGarbage?.end) {
      assert.ok(bytes.subarray(0, m.fromOffset).toString('latin1').match(/\n\r?\n$/), `blank line before ${m.fromOffset}`);
    }
    if (!m.contentLengthTrusted) {
      const inner = bytes.toString('latin1', m.headerStart, m.end);
      for (const match of inner.matchAll(/\n\r?\n(From [^\n]*)/g)) {
        assert.equal(parseFromLine(match[1].replace(/\r$/, '')), null, `unsplit separator inside message at ${m.fromOffset}`);
      }
    }
  }
}

async function allSizesAgree(name: string, data: Buffer): Promise<MboxScanResult> {
  const path = await t.file(name, data);
  const ref = await scanMbox(path);
  checkRules(data, ref);
  for (let bufferSize = 1; bufferSize <= 64; bufferSize++) {
    const r = await scanMbox(path, { bufferSize });
    assert.deepEqual(r, ref, `${name}: bufferSize ${bufferSize}`);
  }
  return ref;
}

test('a file mixing every case gives identical records for buffer sizes 1..64', async () => {
  const body = `text\n\nFrom hidden@x ${DATE}\nstill body\n`;
  const data = Buffer.from(
    `garbage first\n\n` +
      `From a@b ${DATE}\nX-Keywords: one\n two\nStatus: RO\n\n>From q\n>>From qq\nFrom c@d ${DATE}\n\n` +
      `From e@f ${DATE}\r\nContent-Length: 8\r\nX-UID: 5\r\n\r\nab\r\ncd\r\n\r\n` +
      `From g@h ${DATE}\nContent-Length: ${body.length}\n\n${body}\n` +
      `From i@j ${DATE}\nContent-Length: 12345\n\n${'y'.repeat(200)}\n\n\n` +
      `From k@l ${DATE}\nX-UID: 9\n\nlast\r\n\r\n`,
  );
  const r = await allSizesAgree('mixed', data);
  assert.equal(r.messages.length, 5);
  assert.deepEqual(r.leadingGarbage, { start: 0, end: 15 });
  assert.deepEqual(
    r.messages.map((m) => m.contentLengthTrusted),
    [false, true, true, false, false],
  );
});

test('random mboxes built from tricky lines split identically at every buffer size and obey the rules', async () => {
  let seed = 99;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const pieces = [
    `From a@b ${DATE}`,
    `From what I hear`,
    `>From a@b ${DATE}`,
    '',
    '',
    'text line',
    'Subject: x',
    'X-UID: 3',
    ' folded',
    'Content-Length: 10',
    'Content-Length: 0',
    '\r',
    'From ',
    'x'.repeat(70),
  ];
  for (let round = 0; round < 40; round++) {
    const lines: string[] = [];
    const n = 5 + rnd(60);
    for (let i = 0; i < n; i++) lines.push(pieces[rnd(pieces.length)] + (rnd(4) === 0 ? '\r' : ''));
    const data = Buffer.from(lines.join('\n') + (rnd(2) ? '\n' : ''));
    await allSizesAgree(`fuzz${round}`, data);
  }
});
