// The head of an APPEND message (RFC 3501 §6.3.11, RFC 3502 MULTIAPPEND, RFC 3516 BINARY):
// decides, when a line ends with a literal announcement, whether that literal is a message
// (streamed to the session) or an ordinary argument such as a mailbox name (buffered).

import type { Cursor } from './cursor.js';
import { parseDateTime } from './dates.js';
import type { ImapDateTime } from './types.js';

/** What the literal announced at the end of the text is. */
export type AppendHead =
  | { kind: 'message'; mailbox?: string; flags: string[]; date?: ImapDateTime; size: number; binary: boolean }
  | { kind: 'other' };

/** True if the rest of the text is exactly one literal announcement (the one whose bytes are not here yet). */
function atFinalAnnouncement(cur: Cursor): boolean {
  const save = cur.pos;
  try {
    cur.literalHeader(true);
    return cur.atEnd();
  } catch {
    return false;
  } finally {
    cur.pos = save;
  }
}

/**
 * Parses `tag SP APPEND SP mailbox SP` (first message) or just `SP` (a following message of
 * MULTIAPPEND; the text then starts right after the previous message literal), then
 * `[flag-list SP] [date-time SP]` and the final literal announcement. Throws ImapSyntaxError when
 * the text cannot be an APPEND (CATENATE, bad flags, bad date).
 */
export function parseAppendHead(cur: Cursor, first: boolean): AppendHead {
  let mailbox: string | undefined;
  if (first) {
    cur.chars((c) => c !== 0x20, 'a tag');
    cur.sp();
    cur.keyword();
    cur.sp();
    if (atFinalAnnouncement(cur)) return { kind: 'other' };
    mailbox = cur.mailbox();
  }
  cur.sp();
  let flags: string[] = [];
  let date: ImapDateTime | undefined;
  if (cur.peek() === 0x28) {
    flags = cur.flagList();
    cur.sp();
  }
  if (cur.peek() === 0x22) {
    date = parseDateTime(cur);
    cur.sp();
  }
  if (!cur.atLiteral(true)) {
    const save = cur.pos;
    const word = cur.peek() >= 0x41 ? cur.keyword() : '';
    cur.pos = save;
    if (word === 'CATENATE') cur.fail('CATENATE is not supported');
    cur.fail(`Expected a message literal${cur.near()}`);
  }
  const { size, binary } = cur.literalHeader(true);
  cur.end();
  return { kind: 'message', ...(mailbox !== undefined ? { mailbox } : {}), flags, ...(date ? { date } : {}), size, binary };
}
