// Small Maildir file helpers: unique delivery names, CRLF sizes, creating a Maildir, read counters.

import { mkdir, open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

let deliveryCounter = 0;

/** Process-wide counters of message file reads, for benchmarks and tests (never reset by us). */
export const maildirReadStats = { messageOpens: 0 };

/** A unique Maildir base name: `<secs>.M<usecs>P<pid>Q<n>R<rand>.<host>,S=<size>,W=<vsize>`. */
export function uniqueBaseName(now: number, size: number, vsize: number): string {
  const host = hostname().replace(/\//g, '\\057').replace(/:/g, '\\072').replace(/,/g, '\\054');
  const secs = Math.floor(now / 1000);
  const usecs = Math.floor((now % 1000) * 1000 + Math.random() * 1000);
  const rand = Math.floor(Math.random() * 0xffffffff).toString(16);
  deliveryCounter = (deliveryCounter + 1) % 1_000_000;
  return `${secs}.M${usecs}P${process.pid}Q${deliveryCounter}R${rand}.${host},S=${size},W=${vsize}`;
}

/** Size of a buffer once lone LFs become CRLF. */
export function crlfLength(data: Buffer): number {
  let n = data.length;
  for (let i = 0; i < data.length; i++) if (data[i] === 0x0a && (i === 0 || data[i - 1] !== 0x0d)) n++;
  return n;
}

/** Create the Maildir directories (and `maildirfolder` for a folder). */
export async function createMaildir(dir: string, folder: boolean): Promise<void> {
  for (const sub of ['', 'cur', 'new', 'tmp']) await mkdir(join(dir, sub), { recursive: true, mode: 0o700 });
  if (folder) await (await open(join(dir, 'maildirfolder'), 'a', 0o600)).close();
}
