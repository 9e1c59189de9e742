// Test helpers for the mbox scanner: temp files and compact views of scan results.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanMbox, type MboxScanOptions, type MboxScanResult, type MboxMessage } from '../../../../storage/mbox/scanner.js';

/** A temp dir for one test file; `file(name, data)` writes a file into it. */
export async function tempDir(): Promise<{ dir: string; file: (name: string, data: Buffer | string) => Promise<string>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'inboxd-'));
  return {
    dir,
    file: async (name, data) => {
      const p = join(dir, name);
      await writeFile(p, data);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Scans `path` and also returns the file bytes for slicing. */
export async function scan(path: string, data: Buffer | string, options: MboxScanOptions = {}): Promise<MboxScanResult & { bytes: Buffer }> {
  const r = await scanMbox(path, options);
  return { ...r, bytes: Buffer.isBuffer(data) ? data : Buffer.from(data) };
}

/** The header and body text of a message, sliced from the file bytes. */
export function parts(bytes: Buffer, m: MboxMessage): { from: string; headers: string; body: string } {
  return {
    from: m.fromLine,
    headers: bytes.toString('latin1', m.headerStart, m.headerEnd),
    body: bytes.toString('latin1', m.bodyStart, m.bodyEnd),
  };
}

/** Checks that messages and leading garbage tile the scanned range without gaps or overlaps. */
export function tiles(r: MboxScanResult, start = 0): boolean {
  let pos = start;
  if (r.leadingGarbage) {
    if (r.leadingGarbage.start !== pos) return false;
    pos = r.leadingGarbage.end;
  }
  for (const m of r.messages) {
    if (m.fromOffset !== pos) return false;
    if (!(m.headerStart <= m.headerEnd && m.headerEnd <= m.bodyStart && m.bodyStart <= m.bodyEnd && m.bodyEnd <= m.end)) return false;
    pos = m.end;
  }
  return pos === r.end;
}

/** asctime date for From lines. */
export const DATE = 'Thu Nov 19 10:20:30 2026';
