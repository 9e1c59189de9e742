// ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, grammar §9 body / envelope) from the values
// the message layer parsed.
//
// Shapes, with Dovecot's choices where the RFC leaves room:
//   basic part:   (type subtype params id description encoding size [extension])
//   text/*:       … size lines [extension]
//   message/rfc822: … size envelope body lines [extension]
//   extension (BODYSTRUCTURE only): md5 disposition language location
//   multipart:    (part part … subtype [params disposition language location])
// params: NIL when there are none; language: NIL or a list of strings (one language too);
// disposition: NIL or (type params). The nested body of message/rfc822 follows the outer form
// (extended inside BODYSTRUCTURE, basic inside BODY).

import { encodeLiteral, encodeString } from '../encode/string.js';
import type { StringOptions } from '../encode/string.js';
import type { Envelope, MimeNode } from '../../../storage/message/types.js';

const SP = Buffer.from(' ');
const OPEN = Buffer.from('(');
const CLOSE = Buffer.from(')');
const NIL = Buffer.from('NIL');

type StrOpts = Omit<StringOptions, 'atom'>;

/** An nstring as Dovecot writes one: quoted (escapes allowed) unless it needs more than 4 escapes. */
function str(value: string | null, options: StrOpts): Buffer {
  if (value !== null && (value.match(/["\\]/g)?.length ?? 0) > 4 && !value.includes('\0')) return encodeLiteral(Buffer.from(value, 'utf8'));
  return encodeString(value, options);
}

/**
 * Text meant for people (envelope subject and address names): like Dovecot, a literal as soon as
 * it holds a `"` or `\` (no escapes in quoted form), otherwise as any nstring.
 */
function human(value: string | null, options: StrOpts): Buffer {
  if (value !== null && /["\\]/.test(value) && !value.includes('\0')) return encodeLiteral(Buffer.from(value, 'utf8'));
  return encodeString(value, options);
}

function list_(items: Buffer[]): Buffer {
  const out: Buffer[] = [OPEN];
  items.forEach((b, i) => {
    if (i > 0) out.push(SP);
    out.push(b);
  });
  out.push(CLOSE);
  return Buffer.concat(out);
}

/** body-fld-param: `("name" "value" …)` or NIL. */
function params(p: Record<string, string>, options: StrOpts): Buffer {
  const entries = Object.entries(p);
  if (entries.length === 0) return NIL;
  const items: Buffer[] = [];
  for (const [k, v] of entries) items.push(str(k, options), str(v, options));
  return list_(items);
}

function disposition(node: MimeNode, options: StrOpts): Buffer {
  const d = node.contentDisposition;
  if (!d) return NIL;
  return list_([str(d.type, options), params(d.wireParams ?? d.params, options)]);
}

function language(node: MimeNode, options: StrOpts): Buffer {
  const l = node.contentLanguage;
  if (!l || l.length === 0) return NIL;
  return list_(l.map((x) => str(x, options)));
}

function addressList(list: Envelope['from'], options: StrOpts): Buffer {
  if (!list || list.length === 0) return NIL;
  const out: Buffer[] = [OPEN];
  for (const a of list) out.push(list_([human(a.name, options), str(a.adl, options), str(a.mailbox, options), str(a.host, options)]));
  out.push(CLOSE);
  return Buffer.concat(out);
}

/** ENVELOPE: `(date subject from sender reply-to to cc bcc in-reply-to message-id)`. */
export function encodeEnvelope(env: Envelope, options: StrOpts = {}): Buffer {
  return list_([
    str(env.date, options),
    human(env.subject, options),
    addressList(env.from, options),
    addressList(env.sender, options),
    addressList(env.replyTo, options),
    addressList(env.to, options),
    addressList(env.cc, options),
    addressList(env.bcc, options),
    str(env.inReplyTo, options),
    str(env.messageId, options),
  ]);
}

/** BODYSTRUCTURE (`extended`) or BODY of one node and everything below it. */
export function encodeBodyStructure(node: MimeNode, extended: boolean, options: StrOpts = {}): Buffer {
  const ct = node.contentType;
  if (ct.type === 'multipart') {
    const items = node.children.map((c) => encodeBodyStructure(c, extended, options));
    items.push(str(ct.subtype, options));
    if (extended) items.push(params(ct.wireParams ?? ct.params, options), disposition(node, options), language(node, options), str(node.contentLocation, options));
    // children are side by side, not separated by spaces: (("text" …)("text" …) "mixed" …)
    const out: Buffer[] = [OPEN];
    node.children.forEach((_c, i) => out.push(items[i]));
    for (let i = node.children.length; i < items.length; i++) out.push(SP, items[i]);
    out.push(CLOSE);
    return Buffer.concat(out);
  }
  const items: Buffer[] = [
    str(ct.type, options),
    str(ct.subtype, options),
    params(ct.wireParams ?? ct.params, options),
    str(node.contentId, options),
    str(node.contentDescription, options),
    str(node.contentTransferEncoding, options),
    Buffer.from(String(node.bodySize)),
  ];
  if (node.message) {
    items.push(encodeEnvelope(node.message.envelope, options), encodeBodyStructure(node.message.root, extended, options), Buffer.from(String(node.bodyLines)));
  } else if (ct.type === 'text') {
    items.push(Buffer.from(String(node.bodyLines)));
  }
  if (extended) items.push(str(node.contentMd5, options), disposition(node, options), language(node, options), str(node.contentLocation, options));
  return list_(items);
}
