// inboxd.cache: parsed message structures, one JSON line `{"v":<uidvalidity>,"u":<uid>,"p":...}`
// per message, appended as messages are parsed the first time. Lines of another UIDVALIDITY or
// that do not parse are ignored (a torn last line after a crash costs one re-parse). The file
// is compacted (rewritten without expunged messages) when most of it is dead.

import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ParsedMessage } from '../message/types.js';

export const CACHE_FILE = 'inboxd.cache';

/** A lazily loaded per-mailbox structure cache. */
export class StructureCache {
  private entries: Map<number, ParsedMessage> | null = null;
  private lines = 0;

  constructor(
    private readonly dir: string,
    private uidValidity: number,
  ) {}

  private async load(): Promise<Map<number, ParsedMessage>> {
    if (this.entries) return this.entries;
    const map = new Map<number, ParsedMessage>();
    let text = '';
    try {
      text = await readFile(join(this.dir, CACHE_FILE), 'utf8');
    } catch {
      // No cache yet.
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      this.lines++;
      try {
        const e = JSON.parse(line) as { v: number; u: number; p: ParsedMessage };
        if (e.v === this.uidValidity && Number.isSafeInteger(e.u) && e.p && typeof e.p.size === 'number') map.set(e.u, e.p);
      } catch {
        // Torn or corrupt line: that message is parsed again when asked for.
      }
    }
    this.entries = map;
    return map;
  }

  async get(uid: number): Promise<ParsedMessage | undefined> {
    return (await this.load()).get(uid);
  }

  async put(uid: number, parsed: ParsedMessage): Promise<void> {
    const map = await this.load();
    map.set(uid, parsed);
    this.lines++;
    await appendFile(join(this.dir, CACHE_FILE), JSON.stringify({ v: this.uidValidity, u: uid, p: parsed }) + '\n');
  }

  /** Forget messages not in `live`; rewrites the file when more than half of it is dead. */
  async prune(live: (uid: number) => boolean, uidValidity: number): Promise<void> {
    if (uidValidity !== this.uidValidity) {
      this.uidValidity = uidValidity;
      this.entries = new Map();
      this.lines = 0;
      await writeFile(join(this.dir, CACHE_FILE), '');
      return;
    }
    if (!this.entries) return;
    for (const uid of [...this.entries.keys()]) if (!live(uid)) this.entries.delete(uid);
    if (this.lines > 64 && this.entries.size * 2 < this.lines) {
      const tmp = join(this.dir, `${CACHE_FILE}.${randomBytes(6).toString('hex')}.tmp`);
      const text = [...this.entries].map(([u, p]) => JSON.stringify({ v: this.uidValidity, u, p }) + '\n').join('');
      await writeFile(tmp, text);
      await rename(tmp, join(this.dir, CACHE_FILE));
      this.lines = this.entries.size;
    }
  }
}
