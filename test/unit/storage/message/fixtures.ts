// Test helper: loads the MIME fixtures and gives their CRLF form.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the hand-made torture messages. */
export const FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/mime');

/** Raw bytes of one fixture (LF line ends as stored). */
export function fixture(name: string): Promise<Buffer> {
  return readFile(path.join(FIXTURE_DIR, name));
}

/** Names of all fixtures. */
export async function fixtureNames(): Promise<string[]> {
  return (await readdir(FIXTURE_DIR)).filter((n) => n.endsWith('.eml')).sort();
}

/** CRLF form of a message without lone CRs (independent of the code under test). */
export function toCrlf(buf: Buffer): Buffer {
  return Buffer.from(buf.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** Yields `buf` in chunks of `size` bytes. */
export async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
