// A generated 200 MB mbox is scanned with bounded memory: the scanner keeps one read buffer and
// yields per-message records, so peak memory must not grow with the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { MboxScanner } from '../../../../storage/mbox/scanner.js';
import { tempDir } from './helpers.js';

const TARGET = 200 * 1024 * 1024;

/** Writes messages of three shapes (scanned, Content-Length-skipped, one huge line) until TARGET. */
async function writeLargeMbox(path: string): Promise<{ count: number; size: number }> {
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n';
  const body = Buffer.from(line.repeat(1200) + '>From quoted line\n\n' + line.repeat(100));
  const scanned = Buffer.concat([Buffer.from('From a@b Thu Nov 19 10:20:30 2026\nSubject: scanned\n\n'), body, Buffer.from('\n')]);
  const withCl = Buffer.concat([
    Buffer.from(`From c@d Thu Nov 19 10:20:30 2026\nSubject: cl\nContent-Length: ${body.length}\n\n`),
    body,
    Buffer.from('\n'),
  ]);
  const hugeLine = Buffer.concat([Buffer.from('From e@f Thu Nov 19 10:20:30 2026\nSubject: huge line\n\n'), Buffer.alloc(8 * 1024 * 1024, 0x41), Buffer.from('\n\n')]);
  const out = createWriteStream(path);
  let size = 0;
  let count = 0;
  while (size < TARGET) {
    const chunk = count % 200 === 199 ? hugeLine : count % 2 ? withCl : scanned;
    if (!out.write(chunk)) await once(out, 'drain');
    size += chunk.length;
    count++;
  }
  out.end();
  await once(out, 'finish');
  return { count, size };
}

test('a 200 MB mbox is scanned with bounded memory and every message found', async (t) => {
  const d = await tempDir();
  try {
    const path = `${d.dir}/large`;
    const { count, size } = await writeLargeMbox(path);
    global.gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const fh = await open(path, 'r');
    const started = performance.now();
    let n = 0;
    let lastEnd = 0;
    let ok = true;
    try {
      for await (const m of new MboxScanner(fh).messages()) {
        if (m.fromOffset !== lastEnd || m.truncated) ok = false;
        lastEnd = m.end;
        n++;
        if (n % 64 === 0) {
          const u = process.memoryUsage();
          peakRss = Math.max(peakRss, u.rss);
          peakHeap = Math.max(peakHeap, u.heapUsed);
        }
      }
    } finally {
      await fh.close();
    }
    const ms = performance.now() - started;
    const growMb = (peakRss - base.rss) / 1048576;
    t.diagnostic(
      `scanned ${(size / 1048576).toFixed(0)} MB, ${n} messages in ${ms.toFixed(0)} ms (${((size / 1048576 / ms) * 1000).toFixed(0)} MB/s); ` +
        `rss +${growMb.toFixed(1)} MB, heap +${((peakHeap - base.heapUsed) / 1048576).toFixed(1)} MB`,
    );
    assert.equal(n, count);
    assert.ok(ok, 'messages tile the file');
    assert.equal(lastEnd, size);
    assert.ok(growMb < 64, `peak RSS grew by ${growMb.toFixed(1)} MB`);
  } finally {
    await d.cleanup();
  }
});
