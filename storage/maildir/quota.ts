// Maildir++ quota (`maildirsize` in the Maildir root, Courier's format):
//
//   <bytes>S,<count>C        first line: the limits (either part may be absent, 0 = none)
//   <bytes> <count>          then one line per change (deltas, may be negative)
//
// The usage is the sum of the lines. The file is appended to with O_APPEND (small writes are
// atomic), and recalculated from the messages when it is missing, unreadable or grows large.

import { constants } from 'node:fs';
import { open, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MailError, hasErrno, mailErrorFromSystem } from '../errors.js';
import { parseMaildirName } from './filename.js';

/** Quota limits; 0 or undefined means no limit. */
export interface QuotaLimits {
  bytes?: number;
  messages?: number;
}

/** Current usage and limits. */
export interface QuotaUsage {
  bytes: number;
  messages: number;
  limits: QuotaLimits;
}

const MAX_FILE_BYTES = 5120;

function formatLimits(l: QuotaLimits): string {
  const parts: string[] = [];
  if (l.bytes) parts.push(`${l.bytes}S`);
  if (l.messages) parts.push(`${l.messages}C`);
  return parts.join(',');
}

function parseLimits(line: string): QuotaLimits {
  const out: QuotaLimits = {};
  for (const p of line.split(',')) {
    const m = /^(\d+)([SC])$/.exec(p.trim());
    if (m && m[2] === 'S') out.bytes = Number(m[1]);
    if (m && m[2] === 'C') out.messages = Number(m[1]);
  }
  return out;
}

/** The maildirsize file of one user's Maildir++ tree. */
export class MaildirQuota {
  /** `configured` overrides the limits line of the file when given. */
  constructor(
    private readonly root: string,
    private readonly configured: QuotaLimits | undefined,
  ) {}

  private get path(): string {
    return join(this.root, 'maildirsize');
  }

  /** Read usage, recalculating when the file is missing, malformed or too long. */
  async usage(): Promise<QuotaUsage> {
    let text: string | null = null;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw mailErrorFromSystem(err, 'maildirsize');
    }
    if (text !== null && text.length <= MAX_FILE_BYTES) {
      const lines = text.split('\n');
      const limits = this.configured ?? parseLimits(lines[0] ?? '');
      let bytes = 0;
      let messages = 0;
      let ok = true;
      for (const line of lines.slice(1)) {
        if (line === '') continue;
        const m = /^\s*(-?\d+)\s+(-?\d+)\s*$/.exec(line);
        if (!m) {
          ok = false;
          break;
        }
        bytes += Number(m[1]);
        messages += Number(m[2]);
      }
      if (ok) return { bytes, messages, limits };
    }
    if (text === null && this.configured === undefined) return { bytes: 0, messages: 0, limits: {} };
    const limits = this.configured ?? (text !== null ? parseLimits(text.split('\n')[0]) : {});
    return this.recalculate(limits);
  }

  /** Sum the sizes of every message of every folder and rewrite maildirsize. */
  async recalculate(limits: QuotaLimits): Promise<QuotaUsage> {
    let bytes = 0;
    let messages = 0;
    const dirs = [this.root];
    for (const e of await readdir(this.root, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory() && e.name.startsWith('.') && e.name !== '.' && e.name !== '..') dirs.push(join(this.root, e.name));
    }
    for (const d of dirs) {
      for (const sub of ['new', 'cur']) {
        const names = await readdir(join(d, sub)).catch(() => [] as string[]);
        for (const n of names) {
          const p = parseMaildirName(n);
          if (!p) continue;
          messages++;
          bytes += p.size ?? p.vsize ?? 0;
        }
      }
    }
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, `${formatLimits(limits)}\n${bytes} ${messages}\n`);
      await rename(tmp, this.path);
    } catch (err) {
      throw mailErrorFromSystem(err, 'maildirsize');
    }
    return { bytes, messages, limits };
  }

  /** Throws QuotaExceeded when adding this much would go over a limit. */
  async check(addBytes: number, addMessages: number): Promise<void> {
    const u = await this.usage();
    if (u.limits.bytes && u.bytes + addBytes > u.limits.bytes) {
      throw new MailError('QuotaExceeded', 'mailbox quota exceeded (storage)');
    }
    if (u.limits.messages && u.messages + addMessages > u.limits.messages) {
      throw new MailError('QuotaExceeded', 'mailbox quota exceeded (messages)');
    }
  }

  /** Record a change (append or expunge). */
  async update(deltaBytes: number, deltaMessages: number): Promise<void> {
    if (deltaBytes === 0 && deltaMessages === 0) return;
    try {
      // No O_CREAT: without a file there is nothing to keep up to date (usage() recalculates).
      const fh = await open(this.path, constants.O_WRONLY | constants.O_APPEND);
      try {
        await fh.write(`${deltaBytes} ${deltaMessages}\n`);
      } finally {
        await fh.close();
      }
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return;
      throw mailErrorFromSystem(err, 'maildirsize');
    }
  }
}
