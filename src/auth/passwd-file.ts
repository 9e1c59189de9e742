// A Dovecot-compatible passwd-file:
//   user:{SCHEME}hash:uid:gid:gecos:home:shell:extra_fields
// Trailing fields are optional; extra fields are space-separated `key=value` or bare `key`; `#`
// comments and blank lines are allowed. Malformed lines are reported and skipped. The file is
// re-read when its inode, size, mtime or ctime change (checked on lookup, at most every
// `checkIntervalMs`); if the new file cannot be read the previous contents stay in use.
import { open } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { StartupError } from '../errors.js';
import { parseStoredPassword } from './schemes.js';

/** One user line of the passwd-file. */
export interface PasswdEntry {
  readonly username: string;
  /** The stored password (`{SCHEME}hash`, or a bare crypt string); empty when the field is empty. */
  readonly password: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly gecos: string;
  /** The home field as written; empty when not given. */
  readonly home: string;
  readonly shell: string;
  readonly extra: Readonly<Record<string, string>>;
  /** 1-based line number in the file. */
  readonly line: number;
}

/** A line that was skipped, with the reason (never the line itself: it may hold a password). */
export interface PasswdLineError {
  readonly line: number;
  readonly reason: string;
}

/** The parsed contents of a passwd-file. */
export interface PasswdContents {
  readonly entries: ReadonlyMap<string, PasswdEntry>;
  readonly errors: readonly PasswdLineError[];
  /** A stored password of the file's most common scheme, to check unknown users against. */
  readonly decoy: string | undefined;
}

const MAX_ID = 0xffffffff;

function parseId(field: string, name: string): number | undefined {
  if (field === '') return undefined;
  if (!/^[0-9]{1,10}$/.test(field) || Number(field) > MAX_ID) throw new Error(`${name} must be a number from 0 to ${MAX_ID}`);
  return Number(field);
}

function checkUsername(name: string): void {
  if (name === '') throw new Error('empty user name');
  if (/[\s\x00-\x1f\x7f]/.test(name)) throw new Error('user name contains a space or control character');
  const at = name.indexOf('@');
  if (at === 0 || at === name.length - 1 || (at >= 0 && name.indexOf('@', at + 1) >= 0)) {
    throw new Error('user name must be name or name@domain');
  }
}

function parseExtra(text: string): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const token of text.split(/[ \t]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    const key = eq < 0 ? token : token.slice(0, eq);
    if (key === '') throw new Error('extra field without a name');
    extra[key] = eq < 0 ? '' : token.slice(eq + 1);
  }
  return extra;
}

function parseLine(text: string, line: number): PasswdEntry {
  const f = text.split(':');
  checkUsername(f[0]);
  if (f.length < 2) throw new Error('missing password field');
  const home = f[5] ?? '';
  if (home !== '' && !home.startsWith('/')) throw new Error('home must be an absolute path');
  return {
    username: f[0],
    password: f[1],
    uid: parseId(f[2] ?? '', 'uid'),
    gid: parseId(f[3] ?? '', 'gid'),
    gecos: f[4] ?? '',
    home,
    shell: f[6] ?? '',
    // Extra fields may themselves contain ':' (e.g. userdb_mail=mbox:~/mail:INBOX=...).
    extra: parseExtra(f.slice(7).join(':')),
    line,
  };
}

/** Parse passwd-file text; never throws: bad lines are listed in `errors` and skipped. */
export function parsePasswdFile(text: string): PasswdContents {
  const entries = new Map<string, PasswdEntry>();
  const errors: PasswdLineError[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      const entry = parseLine(raw, i + 1);
      const first = entries.get(entry.username);
      if (first) throw new Error(`duplicate user ${JSON.stringify(entry.username)} (first on line ${first.line}, which is kept)`);
      entries.set(entry.username, entry);
    } catch (err) {
      errors.push({ line: i + 1, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { entries, errors, decoy: pickDecoy(entries) };
}

/** The first stored password of the most common scheme, so unknown users cost what real ones do. */
function pickDecoy(entries: ReadonlyMap<string, PasswdEntry>): string | undefined {
  const byScheme = new Map<string, { count: number; first: string }>();
  for (const e of entries.values()) {
    if (e.password === '') continue;
    const scheme = parseStoredPassword(e.password).scheme;
    const s = byScheme.get(scheme);
    if (s) s.count++;
    else byScheme.set(scheme, { count: 1, first: e.password });
  }
  let best: { count: number; first: string } | undefined;
  for (const s of byScheme.values()) if (!best || s.count > best.count) best = s;
  return best?.first;
}

/** Options of a passwd-file. */
export interface PasswdFileOptions {
  /** Home for users whose home field is empty. */
  defaultHome: (username: string) => string;
  /** Re-check the file at most this often (default 1000 ms). */
  checkIntervalMs?: number;
  /** Refuse files larger than this (default 64 MiB). */
  maxBytes?: number;
  /** Milliseconds clock (default `Date.now`). */
  now?: () => number;
  logger?: Logger;
}

/** A user from the passwd-file with the home resolved. */
export interface PasswdUser extends PasswdEntry {
  /** The home directory: the home field, or `defaultHome(username)` when it is empty. */
  readonly resolvedHome: string;
}

type Signature = Pick<Stats, 'ino' | 'dev' | 'size' | 'mtimeMs' | 'ctimeMs'>;

function sameSignature(a: Signature, b: Signature): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** A passwd-file that follows changes on disk. */
export class PasswdFile {
  private contents: PasswdContents = { entries: new Map(), errors: [], decoy: undefined };
  private signature: Signature | null = null;
  private lastCheck = -Infinity;
  private pending: Promise<void> | null = null;
  private readonly checkIntervalMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(
    readonly path: string,
    private readonly options: PasswdFileOptions,
  ) {
    this.checkIntervalMs = options.checkIntervalMs ?? 1000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger();
  }

  /** Read the file for the first time; a file that cannot be read is a startup error. */
  async load(): Promise<void> {
    try {
      await this.read();
    } catch (err) {
      throw new StartupError(`cannot read passwd-file ${this.path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.lastCheck = this.now();
  }

  /** Lines skipped at the last successful read. */
  get errors(): readonly PasswdLineError[] {
    return this.contents.errors;
  }

  /** Number of users. */
  get size(): number {
    return this.contents.entries.size;
  }

  /** A stored password of the most common scheme in the file (for unknown-user checks). */
  get decoy(): string | undefined {
    return this.contents.decoy;
  }

  /** Find a user (case-sensitive), re-reading the file first if it changed. */
  async lookup(username: string): Promise<PasswdUser | undefined> {
    await this.refresh();
    const e = this.contents.entries.get(username);
    if (!e) return undefined;
    return { ...e, resolvedHome: e.home !== '' ? e.home : this.options.defaultHome(e.username) };
  }

  /** Re-read the file if the check interval passed and it changed; keeps the old contents on error. */
  async refresh(): Promise<void> {
    if (this.pending) return this.pending;
    if (this.now() - this.lastCheck < this.checkIntervalMs) return;
    this.lastCheck = this.now();
    this.pending = this.read()
      .catch((err: unknown) => {
        this.logger.warn({ path: this.path, err: err instanceof Error ? err.message : String(err) }, 'passwd-file unreadable; keeping the previous users');
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  private async read(): Promise<void> {
    const handle = await open(this.path, 'r');
    try {
      const st = await handle.stat();
      if (this.signature && sameSignature(st, this.signature)) return;
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > this.maxBytes) throw new Error(`file is larger than ${this.maxBytes} bytes`);
      const text = (await handle.readFile()).toString('utf8');
      const contents = parsePasswdFile(text);
      for (const e of contents.errors) this.logger.warn({ path: this.path, line: e.line, reason: e.reason }, 'passwd-file line skipped');
      this.logger.info({ path: this.path, users: contents.entries.size, skipped: contents.errors.length }, 'passwd-file loaded');
      this.contents = contents;
      this.signature = st;
    } finally {
      await handle.close();
    }
  }
}
