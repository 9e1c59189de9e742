// The envelope of a message (RFC 3501 §7.4.2) from its parsed header fields: raw values,
// null when absent; sender and reply-to default to from here.

import { parseAddressList } from './address.js';
import { rawFieldValue, unfold } from './header.js';
import type { Address, Envelope, HeaderField } from './types.js';

/**
 * Envelope strings as Dovecot sends them: blanks after the colon dropped, line breaks of folds
 * removed, everything else kept; of duplicate fields the last wins.
 */
function text(fields: readonly HeaderField[], name: string): string | null {
  const lower = name.toLowerCase();
  const f = fields.findLast((x) => x.name.toLowerCase() === lower);
  return f ? rawFieldValue(f.value) : null;
}

/** Address lists of all fields with this name, joined (as Dovecot). */
function addresses(fields: readonly HeaderField[], name: string): Address[] | null {
  const lower = name.toLowerCase();
  let out: Address[] | null = null;
  for (const f of fields) {
    if (f.name.toLowerCase() !== lower) continue;
    const list = parseAddressList(unfold(f.value));
    if (list) out = out ? out.concat(list) : list;
  }
  return out;
}

/** Builds the envelope from a message header's fields. */
export function buildEnvelope(fields: readonly HeaderField[]): Envelope {
  const from = addresses(fields, 'from');
  return {
    date: text(fields, 'date'),
    // Dovecot sends the subject with runs of blanks made one space, trimmed at both ends
    subject: text(fields, 'subject')?.replace(/[ \t]+/g, ' ').trim() ?? null,
    from,
    sender: addresses(fields, 'sender') ?? from,
    replyTo: addresses(fields, 'reply-to') ?? from,
    to: addresses(fields, 'to'),
    cc: addresses(fields, 'cc'),
    bcc: addresses(fields, 'bcc'),
    inReplyTo: text(fields, 'in-reply-to'),
    messageId: text(fields, 'message-id'),
  };
}
