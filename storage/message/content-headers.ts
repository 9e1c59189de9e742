// MIME content header fields of one part (RFC 2045, 2183, 3066, 1864, 2557), with the defaults
// readers expect: text/plain; charset=us-ascii when absent or unusable, 7bit encoding.

import libmime from 'libmime';
import { findField, rawFieldValue, stripComments, unfold } from './header.js';
import type { ContentDisposition, ContentType, HeaderField } from './types.js';

/** The content fields of a part as read from its header. */
export interface ContentFields {
  contentType: ContentType;
  /** True when the Content-Type field was present and usable. */
  explicitType: boolean;
  contentId: string | null;
  contentDescription: string | null;
  contentTransferEncoding: string;
  contentDisposition: ContentDisposition | null;
  contentLanguage: string[] | null;
  contentLocation: string | null;
  contentMd5: string | null;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Parses "value; a=b; c*0=..." into a lowercase value and decoded parameters; never throws. */
export function parseParamValue(raw: string): { value: string; params: Record<string, string> } {
  try {
    const parsed = libmime.parseHeaderValue(stripComments(unfold(raw)));
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.params)) {
      if (k.length > 0) params[k.toLowerCase()] = String(v);
    }
    return { value: typeof parsed.value === 'string' ? parsed.value.trim() : '', params };
  } catch {
    return { value: '', params: {} };
  }
}

/** Splits `value; a=b; c="d"` into raw (unquoted) parameters, names lowercased, in order. */
function rawParams(raw: string): [string, string][] {
  const out: [string, string][] = [];
  let i = raw.indexOf(';');
  while (i !== -1 && i < raw.length) {
    i++;
    const eq = raw.indexOf('=', i);
    const semi = raw.indexOf(';', i);
    if (eq === -1 || (semi !== -1 && semi < eq)) {
      i = semi;
      continue;
    }
    const name = raw.slice(i, eq).trim().toLowerCase();
    let j = eq + 1;
    while (raw[j] === ' ' || raw[j] === '\t') j++;
    let value = '';
    if (raw[j] === '"') {
      j++;
      while (j < raw.length && raw[j] !== '"') {
        if (raw[j] === '\\' && j + 1 < raw.length) j++;
        value += raw[j];
        j++;
      }
      const next = raw.indexOf(';', j);
      i = next;
    } else {
      const next = raw.indexOf(';', j);
      value = raw.slice(j, next === -1 ? raw.length : next).trim();
      i = next;
    }
    if (name.length > 0) out.push([name, value]);
  }
  return out;
}

/**
 * The 7-bit wire form of parameters using RFC 2231 (continuations joined, extended values kept
 * encoded, name with a trailing `*` when any segment was extended), or undefined when the
 * header uses no RFC 2231 syntax.
 */
export function wireParams(raw: string): Record<string, string> | undefined {
  if (!raw.includes('*')) return undefined;
  const params = rawParams(stripComments(unfold(raw)));
  if (!params.some(([name]) => name.includes('*'))) return undefined;
  // Dovecot lists the plain parameters first, then the joined RFC 2231 ones sorted by name.
  const out: Record<string, string> = {};
  const joined = new Map<string, { extended: boolean; segments: [number, string][] }>();
  for (const [name, value] of params) {
    const m = /^(.*?)\*(?:(\d+)(\*)?)?$/.exec(name);
    if (!m) {
      if (!(name in out)) out[name] = value;
      continue;
    }
    let entry = joined.get(m[1]);
    if (!entry) {
      entry = { extended: false, segments: [] };
      joined.set(m[1], entry);
    }
    entry.extended ||= m[2] === undefined || m[3] === '*';
    entry.segments.push([m[2] === undefined ? 0 : Number(m[2]), value]);
  }
  for (const [name, entry] of [...joined].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    delete out[name];
    const text = entry.segments
      .sort((a, b) => a[0] - b[0])
      .map((seg) => seg[1])
      .join('');
    out[entry.extended ? `${name}*` : name] = text;
  }
  return out;
}

function textPlain(): ContentType {
  return { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } };
}

/** Default type of a part: message/rfc822 inside multipart/digest, text/plain elsewhere. */
export function defaultContentType(inDigest: boolean): ContentType {
  return inDigest ? { type: 'message', subtype: 'rfc822', params: {} } : textPlain();
}

function optional(fields: readonly HeaderField[], name: string): string | null {
  const f = findField(fields, name);
  return f ? rawFieldValue(f.value) : null;
}

/** Content fields of a part without any: the defaults. */
function defaults(inDigest: boolean): ContentFields {
  return {
    contentType: defaultContentType(inDigest),
    explicitType: false,
    contentId: null,
    contentDescription: null,
    contentTransferEncoding: '7bit',
    contentDisposition: null,
    contentLanguage: null,
    contentLocation: null,
    contentMd5: null,
  };
}

/**
 * Reads the content fields of a part header. `inDigest`: the parent is multipart/digest.
 * `isMessageHeader`: a message's own header (top level or embedded), whose Content-* fields
 * count only when MIME-Version or Content-Type is present (RFC 2045 §4, as Dovecot reads it);
 * the header of a part inside a multipart always counts. The first of duplicate fields wins.
 */
export function readContentFields(fields: readonly HeaderField[], inDigest: boolean, isMessageHeader = false): ContentFields {
  if (isMessageHeader && !findField(fields, 'mime-version') && !findField(fields, 'content-type')) return defaults(inDigest);
  let contentType = defaultContentType(inDigest);
  let explicitType = false;
  const ct = findField(fields, 'content-type');
  if (ct) {
    const { value, params } = parseParamValue(ct.value);
    const slash = value.indexOf('/');
    const type = slash > 0 ? value.slice(0, slash).trim().toLowerCase() : '';
    const subtype = slash > 0 ? value.slice(slash + 1).trim().toLowerCase() : '';
    if (TOKEN.test(type) && TOKEN.test(subtype)) {
      contentType = { type, subtype, params };
      explicitType = true;
      if (type === 'text' && params.charset === undefined) params.charset = 'us-ascii';
      const wire = wireParams(ct.value);
      if (wire) {
        if (type === 'text' && wire.charset === undefined) wire.charset = 'us-ascii';
        contentType.wireParams = wire;
      }
    } else {
      contentType = textPlain();
    }
  }
  const cteField = findField(fields, 'content-transfer-encoding');
  const cte = cteField ? stripComments(unfold(cteField.value)).trim().split(/[\s;]/)[0].toLowerCase() : '';
  let contentDisposition: ContentDisposition | null = null;
  const cd = findField(fields, 'content-disposition');
  if (cd) {
    const { value, params } = parseParamValue(cd.value);
    if (value.length > 0) {
      contentDisposition = { type: value.toLowerCase(), params };
      const wire = wireParams(cd.value);
      if (wire) contentDisposition.wireParams = wire;
    }
  }
  const langField = findField(fields, 'content-language');
  const languages = langField ? stripComments(unfold(langField.value)).split(/[\s,]+/).filter((l) => l.length > 0) : null;
  return {
    contentType,
    explicitType,
    contentId: optional(fields, 'content-id'),
    contentDescription: optional(fields, 'content-description'),
    contentTransferEncoding: cte.length > 0 ? cte : '7bit',
    contentDisposition,
    contentLanguage: languages && languages.length > 0 ? languages : null,
    contentLocation: optional(fields, 'content-location'),
    contentMd5: optional(fields, 'content-md5'),
  };
}
