// Deliver messages into a Maildir the way a delivery agent does (tmp/ then rename into new/).
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

let counter = 0;

/** Create the Maildir's tmp/, new/, cur/ directories. */
export async function makeMaildir(root: string): Promise<void> {
  for (const sub of ['tmp', 'new', 'cur']) await mkdir(path.join(root, sub), { recursive: true });
}

/** Deliver one message (bytes as given) into new/; returns the file name. */
export async function deliverToMaildir(root: string, message: string | Buffer): Promise<string> {
  await makeMaildir(root);
  const name = `${Math.floor(Date.now() / 1000)}.M${counter++}P${process.pid}.testhost`;
  await writeFile(path.join(root, 'tmp', name), message);
  await rename(path.join(root, 'tmp', name), path.join(root, 'new', name));
  return name;
}

/** All message file names in new/ and cur/. */
export async function maildirFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['new', 'cur']) {
    for (const f of await readdir(path.join(root, sub))) out.push(`${sub}/${f}`);
  }
  return out.sort();
}
