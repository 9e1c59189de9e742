// dovecot-uidlist, the UID map of one Maildir, in Dovecot's format so that Dovecot and inboxd
// can serve the same Maildir in turn and clients keep their UIDs:
//
//   3 V<uidvalidity> N<nextuid> G<guid>          header (version 3; fields may come in any order)
//   <uid> [<ext>...] :<filename>                 one record per message, ascending UIDs
//
// Version 1 (`1 <uidvalidity> <nextuid>` then `<uid> <filename>`) is read too, and so is
// Courier's courierimapuiddb, which has the same shape. Dovecot appends records without
// rewriting the header, so the next UID is max(N, last UID + 1).
//
// Updates follow Dovecot's dotlock protocol: create `dovecot-uidlist.lock` with O_EXCL, re-read
// the uidlist (someone may have changed it meanwhile), write the new content into the lock file
// and rename() it over `dovecot-uidlist`. A lock older than the stale age is removed.

import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MailError, hasErrno, mailErrorFromSystem } from '../errors.js';

/** One message's UID record. */
export interface UidRecord {
  uid: number;
  /** Extension fields as written (e.g. `W1260`), kept on rewrite. */
  ext: string[];
  /** The file name as recorded. */
  name: string;
  /** The name's base (up to the info separator): the identity matched against files. */
  base: string;
}

/** The content of a uidlist file. */
export interface Uidlist {
  uidValidity: number;
  nextUid: number;
  /** Mailbox GUID (32 hex digits). */
  guid: string;
  records: UidRecord[];
}

/** Options of the uidlist lock. */
export interface UidlistLockOptions {
  /** How long to wait for a busy lock before failing with InUse. */
  timeoutMs: number;
  /** A lock file older than this is considered left over by a crash. */
  staleMs: number;
}

export const DEFAULT_UIDLIST_LOCK: UidlistLockOptions = { timeoutMs: 10_000, staleMs: 120_000 };

export const UIDLIST_FILE = 'dovecot-uidlist';
const COURIER_FILE = 'courierimapuiddb';

function baseOf(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(0, i);
}

/** Parse uidlist text; throws MailError Corrupt on a bad header. Bad record lines are skipped. */
export function parseUidlist(text: string): Uidlist {
  const lines = text.split('\n');
  const header = (lines.shift() ?? '').trim().split(' ');
  const version = header[0];
  let uidValidity = 0;
  let nextUid = 1;
  let guid = '';
  if (version === '1') {
    uidValidity = Number(header[1]);
    nextUid = Number(header[2]);
  } else if (version === '3') {
    for (const f of header.slice(1)) {
      const v = f.slice(1);
      if (f[0] === 'V') uidValidity = Number(v);
      else if (f[0] === 'N') nextUid = Number(v);
      else if (f[0] === 'G') guid = v;
    }
  } else {
    throw new MailError('Corrupt', `uidlist: unsupported version ${JSON.stringify(version)}`);
  }
  if (!Number.isSafeInteger(uidValidity) || uidValidity <= 0 || uidValidity > 0xffffffff || !Number.isSafeInteger(nextUid) || nextUid < 1) {
    throw new MailError('Corrupt', 'uidlist: bad header');
  }
  const records: UidRecord[] = [];
  let last = 0;
  for (const line of lines) {
    if (line === '') continue;
    let m: RegExpExecArray | null;
    let rec: UidRecord | null = null;
    if (version === '3' && (m = /^(\d+)((?: [^ :][^ ]*)*) :(.+)$/.exec(line))) {
      rec = { uid: Number(m[1]), ext: m[2].split(' ').filter((x) => x !== ''), name: m[3], base: baseOf(m[3]) };
    } else if (version === '1' && (m = /^(\d+) (.+)$/.exec(line))) {
      rec = { uid: Number(m[1]), ext: [], name: m[2], base: baseOf(m[2]) };
    }
    // Records must ascend; a record that does not is ignored and its file gets a new UID.
    if (rec && rec.uid > last && rec.uid <= 0xffffffff) {
      records.push(rec);
      last = rec.uid;
    }
  }
  return { uidValidity, nextUid: Math.max(nextUid, last + 1), guid, records };
}

/** Serialize in version 3. */
export function serializeUidlist(list: Uidlist): string {
  let out = `3 V${list.uidValidity} N${list.nextUid} G${list.guid}\n`;
  for (const r of list.records) out += `${r.uid}${r.ext.map((e) => ' ' + e).join('')} :${r.name}\n`;
  return out;
}

/** Read the uidlist of a Maildir (or its courierimapuiddb); null when neither exists. */
export async function readUidlist(dir: string): Promise<Uidlist | null> {
  for (const file of [UIDLIST_FILE, COURIER_FILE]) {
    let text: string;
    try {
      text = await readFile(join(dir, file), 'utf8');
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) continue;
      throw mailErrorFromSystem(err, 'uidlist');
    }
    return parseUidlist(text);
  }
  return null;
}

/** A new mailbox GUID. */
export function newGuid(): string {
  return randomBytes(16).toString('hex');
}

/** A held uidlist lock: write() replaces the uidlist atomically and releases the lock. */
export interface UidlistLock {
  write(list: Uidlist): Promise<void>;
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Take `dovecot-uidlist.lock`, waiting with back-off up to the timeout (never blocking the loop). */
export async function lockUidlist(dir: string, options: UidlistLockOptions = DEFAULT_UIDLIST_LOCK): Promise<UidlistLock> {
  const lockPath = join(dir, UIDLIST_FILE + '.lock');
  const deadline = Date.now() + options.timeoutMs;
  let delay = 5;
  while (true) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      let done = false;
      return {
        async write(list) {
          if (done) throw new MailError('Temp', 'uidlist lock already released');
          done = true;
          try {
            await fh.writeFile(serializeUidlist(list));
            await fh.sync();
            await fh.close();
            await rename(lockPath, join(dir, UIDLIST_FILE));
          } catch (err) {
            await unlink(lockPath).catch(() => undefined);
            throw mailErrorFromSystem(err, 'uidlist');
          }
        },
        async release() {
          if (done) return;
          done = true;
          await fh.close().catch(() => undefined);
          await unlink(lockPath).catch(() => undefined);
        },
      };
    } catch (err) {
      if (!hasErrno(err, 'EEXIST')) throw mailErrorFromSystem(err, 'uidlist lock');
    }
    try {
      const st = await stat(lockPath);
      if (Date.now() - st.mtimeMs > options.staleMs) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) continue;
      throw mailErrorFromSystem(err, 'uidlist lock');
    }
    if (Date.now() >= deadline) throw new MailError('InUse', 'the mailbox UID list is locked by another process');
    await sleep(delay);
    delay = Math.min(delay * 2, 200);
  }
}
