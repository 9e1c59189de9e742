// Cross-checks the scanner against two independent readers on the same files: the npm
// mbox-reader (ignores Content-Length, unescapes >From) and Python's mailbox.mbox (raw bytes).
// Their semantics agree with ours on files whose bodies hold no unquoted "From " lines, so
// these files are generated that way (mboxrd quoting, with and without Content-Length).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { buffer } from 'node:stream/consumers';
import { mboxReader } from 'mbox-reader';
import { scanMbox } from '../../../../storage/mbox/scanner.js';
import { messageStream } from '../../../../storage/mbox/message-bytes.js';
import { tempDir } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  t = await tempDir();
});
after(() => t.cleanup());

/** Deterministic mbox generator: mboxrd-quoted bodies, mixed headers and From-line forms. */
function generate(count: number, seed: number): string {
  let s = seed;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s % n);
  const froms = [
    'From alice@example.org Thu Nov 19 10:20:30 2026',
    'From MAILER-DAEMON Fri Jan  2 03:04:05 2026',
    'From bob@example.net Mon Mar  1 12:00:00 2021 +0200',
    'From carol@example.com Sat Dec 31 23:59:59 EET 2022',
  ];
  const bodyLines = ['plain text', '', '>From quoted once', '>>From quoted twice', 'From-ish: not a separator', ' From indented', 'From', '>', 'ünïcödé line', 'tab\there'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const lines: string[] = [];
    const nLines = rnd(12);
    for (let j = 0; j < nLines; j++) lines.push(bodyLines[rnd(bodyLines.length)]);
    const body = lines.map((l) => `${l}\n`).join('');
    const headers = [`Subject: message ${i}`, `Message-ID: <${i}@gen>`];
    if (rnd(3) === 0) headers.push(`Status: ${['RO', 'O', ''][rnd(3)]}`, `X-UID: ${i + 1}`);
    if (rnd(2) === 0) headers.push(`Content-Length: ${Buffer.byteLength(body)}`);
    const last = i === count - 1;
    // The last message may lack its separator line, unless its body is empty: then the final
    // blank line is ambiguous (header end for us and Python, separator for mbox-reader).
    const separator = last && body !== '' && rnd(2) === 0 ? '' : '\n';
    out.push(`${froms[rnd(froms.length)]}\n${headers.join('\n')}\n\n${body}${separator}`);
  }
  return out.join('');
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('message count and contents agree with mbox-reader (npm) and Python mailbox.mbox', async () => {
  const py = spawnSync('python3', ['-c', 'import mailbox'], { encoding: 'utf8' });
  assert.equal(py.error, undefined, 'python3 is needed for this cross-check');
  for (const [count, seed] of [
    [1, 1],
    [7, 2],
    [300, 3],
  ]) {
    const text = generate(count, seed);
    const path = await t.file(`gen-${seed}`, text);
    const ours = await scanMbox(path);
    assert.equal(ours.leadingGarbage, null);
    assert.equal(ours.messages.length, count);

    const fh = await open(path, 'r');
    const stored: Buffer[] = [];
    const unescaped: Buffer[] = [];
    try {
      for (const m of ours.messages) {
        stored.push(await buffer(messageStream(fh, m)));
        unescaped.push(await buffer(messageStream(fh, m, { unescapeMboxrd: true })));
      }
    } finally {
      await fh.close();
    }

    // mbox-reader: joins lines with \n, drops the final empty line, unescapes one '>'.
    const theirs: Buffer[] = [];
    for await (const msg of mboxReader(createReadStream(path))) theirs.push(msg.content);
    assert.equal(theirs.length, count, 'mbox-reader count');
    for (let i = 0; i < count; i++) {
      const mine = unescaped[i].subarray(0, unescaped[i].length - (unescaped[i].at(-1) === 0x0a ? 1 : 0));
      assert.equal(mine.toString('utf8'), theirs[i].toString('utf8'), `mbox-reader message ${i}`);
    }

    // Python: raw bytes of each message without its From line and separator.
    const r = spawnSync(
      'python3',
      [
        '-c',
        `import mailbox, hashlib, json, sys
mb = mailbox.mbox(sys.argv[1], create=False)
print(json.dumps([hashlib.sha256(mb.get_bytes(k)).hexdigest() for k in mb.keys()]))`,
        path,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const pyHashes = JSON.parse(r.stdout) as string[];
    assert.equal(pyHashes.length, count, 'python count');
    assert.deepEqual(stored.map(sha), pyHashes, 'python bytes');
  }
});

test('where semantics differ (unquoted From after a blank line, mboxcl2) Content-Length decides for us', async () => {
  // Python and mbox-reader split this file in three; the trusted Content-Length keeps it two.
  const body = 'see below\n\nFrom someone Thu Nov 19 10:20:30 2026\nquoted mail\n';
  const text = `From a@b Thu Nov 19 10:20:30 2026\nContent-Length: ${body.length}\n\n${body}\nFrom c@d Thu Nov 19 10:20:30 2026\n\nz\n`;
  const path = await t.file('cl2', text);
  const ours = await scanMbox(path);
  assert.equal(ours.messages.length, 2);
  const theirs: unknown[] = [];
  for await (const msg of mboxReader(createReadStream(path))) theirs.push(msg);
  assert.equal(theirs.length, 3, 'mbox-reader ignores Content-Length (documents why the generated files avoid this)');
});
