// The envelope of a message (RFC 3501 §7.4.2) from its parsed header fields: raw values,
// null when absent; sender and reply-to default to from here.

import { parseAddressList } from './address.js';
import { findField, rawFieldValue, unfold } from './header.js';
import type { Address, Envelope, HeaderField } from './types.js';

/** Envelope strings: line breaks removed, leading whitespace dropped, trailing kept (as Dovecot). */
function text(fields: readonly HeaderField[], name: string): string | null {
  const f = findField(fields, name);
  return f ? rawFieldValue(f.value).replace(/^[ \t]+/, '') : null;
}

function addresses(fields: readonly HeaderField[], name: string): Address[] | null {
  const f = findField(fields, name);
  return f ? parseAddressList(unfold(f.value)) : null;
}

/** Builds the envelope from a message header's fields. */
export function buildEnvelope(fields: readonly HeaderField[]): Envelope {
  const from = addresses(fields, 'from');
  return {
    date: text(fields, 'date'),
    subject: text(fields, 'subject'),
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
