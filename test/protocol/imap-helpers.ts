// A tiny IMAP transcript client over LineClient: send a tagged command, collect untagged lines.
import assert from 'node:assert/strict';
import { LineClient } from '../helpers/line-client.js';
import type { TestDaemon } from '../helpers/daemon.js';

/** The answer to one command. */
export interface Answer {
  untagged: string[];
  tagged: string;
}

/** An IMAP connection for transcripts. */
export class ImapTestClient {
  private n = 0;
  constructor(readonly lc: LineClient) {}

  static async open(d: TestDaemon, tls = false): Promise<{ c: ImapTestClient; greeting: string }> {
    const lc = await LineClient.connect(d.port('imap', tls), { tls });
    const greeting = (await lc.line()) ?? '';
    assert.match(greeting, /^\* OK /);
    return { c: new ImapTestClient(lc), greeting };
  }

  /** Opens a connection and logs in. */
  static async login(d: TestDaemon, user = 'alice', password = 'secret'): Promise<ImapTestClient> {
    const { c } = await ImapTestClient.open(d);
    const a = await c.cmd(`LOGIN ${user} ${password}`);
    assert.match(a.tagged, /^\S+ OK /, a.tagged);
    return c;
  }

  nextTag(): string {
    return `t${++this.n}`;
  }

  /** Sends `tag text` and reads up to the tagged reply with that tag. */
  async cmd(text: string | Buffer, tag = this.nextTag()): Promise<Answer> {
    this.lc.write(Buffer.concat([Buffer.from(`${tag} `), Buffer.isBuffer(text) ? text : Buffer.from(text), Buffer.from('\r\n')]));
    return this.until(tag);
  }

  /** Reads lines until the tagged reply `tag`. */
  async until(tag: string, timeoutMs = 10_000): Promise<Answer> {
    const untagged: string[] = [];
    for (;;) {
      const l = await this.lc.line(timeoutMs);
      if (l === null) throw new Error(`connection closed before ${tag}; got ${JSON.stringify(untagged)}`);
      if (l.startsWith(`${tag} `)) return { untagged, tagged: l };
      untagged.push(l);
    }
  }

  /** The next line. */
  async line(timeoutMs = 10_000): Promise<string | null> {
    return this.lc.line(timeoutMs);
  }

  write(data: string | Buffer): void {
    this.lc.write(data);
  }

  async logout(): Promise<void> {
    const a = await this.cmd('LOGOUT');
    assert.ok(a.untagged.some((l) => l.startsWith('* BYE')), JSON.stringify(a));
    assert.match(a.tagged, /OK/);
    await this.lc.closed();
  }

  close(): void {
    this.lc.close();
  }
}
