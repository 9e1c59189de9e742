// Helpers for FETCH/SEARCH transcripts: whole responses with their literals.
import type { ImapTestClient } from './imap-helpers.js';

/** One command's answer with every untagged response whole (literals included, CRLF between lines kept). */
export interface RawAnswer {
  untagged: Buffer[];
  tagged: string;
}

/** Sends `tag text` and reads responses, literals included, up to the tagged reply. */
export async function rawCmd(c: ImapTestClient, text: string): Promise<RawAnswer> {
  const tag = c.nextTag();
  c.write(`${tag} ${text}\r\n`);
  const untagged: Buffer[] = [];
  for (;;) {
    const parts: Buffer[] = [];
    let line = await c.lc.line();
    if (line === null) throw new Error(`closed before ${tag}`);
    if (line.startsWith(`${tag} `)) return { untagged, tagged: line };
    for (;;) {
      parts.push(Buffer.from(line, 'latin1'));
      const m = /~?\{(\d+)\}$/.exec(line);
      if (!m) break;
      parts.push(Buffer.from('\r\n'), await c.lc.bytes(Number(m[1])));
      line = await c.lc.line();
      if (line === null) throw new Error(`closed inside a literal of ${tag}`);
    }
    untagged.push(Buffer.concat(parts));
  }
}
