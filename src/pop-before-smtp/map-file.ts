// The optional POP-before-SMTP map file: one "IP OK" line per allowed client, for MTAs that read
// a table (e.g. Postfix `hash:` after postmap, Exim `lsearch`). Rewritten atomically.
import { rename, writeFile } from 'node:fs/promises';
import type { Logger } from '../log.js';
import type { RelayRegistry } from './registry.js';

/** Rewrites the map file when the allowed set changes: write a temp file, then rename over. */
export class RelayMapFile {
  private last: string | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly registry: RelayRegistry,
    private readonly log: Logger,
  ) {}

  /** Write the file if its content changed; calls are serialised. */
  refresh(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const content = this.registry.current().map((ip) => `${ip} OK\n`).join('');
    if (content === this.last) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, content, { mode: 0o644 });
      await rename(tmp, this.file);
      this.last = content;
    } catch (err) {
      this.log.error({ err, file: this.file }, 'cannot write the POP-before-SMTP map file');
    }
  }
}
