// Test helper: puts our MimeNode/Envelope values and Dovecot's BODYSTRUCTURE/ENVELOPE into one
// comparable shape (nested arrays as RFC 3501 §7.4.2 orders them, names lowercased).

import type { Sexp } from './imap-sexp.js';
import type { Address, Envelope, MimeNode } from '../../../../storage/message/types.js';

function params(p: Record<string, string>): Sexp {
  const flat: Sexp[] = [];
  for (const [k, v] of Object.entries(p)) flat.push(k, v);
  return flat.length > 0 ? flat : null;
}

function addresses(list: Address[] | null): Sexp {
  return list ? list.map((a) => [a.name, a.adl, a.mailbox, a.host]) : null;
}

/** Our envelope in ENVELOPE order. */
export function envelopeShape(e: Envelope): Sexp {
  return [e.date, e.subject, addresses(e.from), addresses(e.sender), addresses(e.replyTo), addresses(e.to), addresses(e.cc), addresses(e.bcc), e.inReplyTo, e.messageId];
}

/** Our MIME node in BODYSTRUCTURE order. */
export function bodyShape(n: MimeNode): Sexp {
  const ext: Sexp[] = [
    n.contentDisposition ? [n.contentDisposition.type, params(n.contentDisposition.wireParams ?? n.contentDisposition.params)] : null,
    n.contentLanguage,
    n.contentLocation,
  ];
  if (n.contentType.type === 'multipart') {
    return [...n.children.map(bodyShape), n.contentType.subtype, params(n.contentType.wireParams ?? n.contentType.params), ...ext];
  }
  const basic: Sexp[] = [
    n.contentType.type,
    n.contentType.subtype,
    params(n.contentType.wireParams ?? n.contentType.params),
    n.contentId,
    n.contentDescription,
    n.contentTransferEncoding,
    String(n.bodySize),
  ];
  if (n.message) basic.push(envelopeShape(n.message.envelope), bodyShape(n.message.root), String(n.bodyLines));
  else if (n.contentType.type === 'text') basic.push(String(n.bodyLines));
  return [...basic, n.contentMd5, ...ext];
}

function lowerParams(p: Sexp): Sexp {
  if (!Array.isArray(p)) return p;
  return p.map((x, i) => (i % 2 === 0 && typeof x === 'string' ? x.toLowerCase() : x));
}

function lowerDisposition(d: Sexp): Sexp {
  if (!Array.isArray(d)) return d;
  return [typeof d[0] === 'string' ? d[0].toLowerCase() : d[0], lowerParams(d[1])];
}

function language(l: Sexp): Sexp {
  return typeof l === 'string' ? [l] : l;
}

/** Dovecot's BODYSTRUCTURE with names lowercased and a single language made a list. */
export function normalizeDovecotBody(b: Sexp): Sexp {
  if (!Array.isArray(b)) return b;
  if (Array.isArray(b[0])) {
    let i = 0;
    const parts: Sexp[] = [];
    while (Array.isArray(b[i])) parts.push(normalizeDovecotBody(b[i++]));
    const [subtype, p, disp, lang, loc] = b.slice(i);
    return [...parts, (subtype as string).toLowerCase(), lowerParams(p), lowerDisposition(disp), language(lang), loc];
  }
  const out: Sexp[] = [(b[0] as string).toLowerCase(), (b[1] as string).toLowerCase(), lowerParams(b[2]), b[3], b[4], (b[5] as string).toLowerCase(), b[6]];
  let i = 7;
  if (out[0] === 'message' && out[1] === 'rfc822' && Array.isArray(b[7])) {
    out.push(b[7], normalizeDovecotBody(b[8]), b[9]);
    i = 10;
  } else if (out[0] === 'text') {
    out.push(b[7]);
    i = 8;
  }
  const [md5, disp, lang, loc] = b.slice(i);
  return [...out, md5, lowerDisposition(disp), language(lang), loc];
}
