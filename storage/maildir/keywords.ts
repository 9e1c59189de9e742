// dovecot-keywords: the mapping of Maildir keyword letters a–z to keyword names, one
// `<index> <name>` line each (index 0 = a). Written with write-temp-then-rename; a keyword that
// does not fit in the 26 letters is refused (as Dovecot drops it from the file name).

import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hasErrno, mailErrorFromSystem } from '../errors.js';

/** The 26 keyword slots of one Maildir. */
export class KeywordMap {
  private constructor(
    private readonly names: (string | undefined)[],
    private readonly path: string,
  ) {}

  /** Load from `<dir>/dovecot-keywords` (missing or broken lines give empty slots). */
  static async load(dir: string): Promise<KeywordMap> {
    const path = join(dir, 'dovecot-keywords');
    const names: (string | undefined)[] = new Array(26).fill(undefined);
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw mailErrorFromSystem(err, 'dovecot-keywords');
    }
    for (const line of text.split('\n')) {
      const m = /^(\d+) (.+)$/.exec(line);
      if (!m) continue;
      const i = Number(m[1]);
      if (i < 26 && !names.includes(m[2])) names[i] = m[2];
    }
    return new KeywordMap(names, path);
  }

  /** Keyword name of an index, or undefined. */
  name(index: number): string | undefined {
    return this.names[index];
  }

  /** Indexes of keywords that exist; unknown ones are skipped. */
  indexesOf(keywords: readonly string[]): number[] {
    const out: number[] = [];
    for (const k of keywords) {
      const i = this.names.findIndex((n) => n !== undefined && n.toLowerCase() === k.toLowerCase());
      if (i >= 0) out.push(i);
    }
    return out;
  }

  /** Make sure every keyword has a slot, saving the file if it changed; returns keywords that did not fit. */
  async ensure(keywords: readonly string[]): Promise<string[]> {
    const fresh = await KeywordMap.load(this.path.slice(0, -'/dovecot-keywords'.length));
    for (let i = 0; i < 26; i++) if (fresh.names[i] !== undefined) this.names[i] = fresh.names[i];
    const overflow: string[] = [];
    let changed = false;
    for (const k of keywords) {
      if (this.indexesOf([k]).length > 0) continue;
      const free = this.names.findIndex((n) => n === undefined);
      if (free < 0) {
        overflow.push(k);
        continue;
      }
      this.names[free] = k;
      changed = true;
    }
    if (changed) {
      const text = this.names.map((n, i) => (n === undefined ? '' : `${i} ${n}\n`)).join('');
      const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(tmp, text);
        await rename(tmp, this.path);
      } catch (err) {
        throw mailErrorFromSystem(err, 'dovecot-keywords');
      }
    }
    return overflow;
  }
}
