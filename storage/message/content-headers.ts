// MIME content header fields of one part (RFC 2045, 2183, 3066, 1864, 2557), with the defaults
// readers expect: text/plain; charset=us-ascii when absent or unusable, 7bit encoding.

import libmime from 'libmime';
import { findField, unfold } from './header.js';
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
    const parsed = libmime.parseHeaderValue(unfold(raw));
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.params)) {
      if (k.length > 0) params[k.toLowerCase()] = String(v);
    }
    return { value: typeof parsed.value === 'string' ? parsed.value.trim() : '', params };
  } catch {
    return { value: '', params: {} };
  }
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
  return f ? unfold(f.value) : null;
}

/** Reads the content fields of a part header. `inDigest`: the parent is multipart/digest. */
export function readContentFields(fields: readonly HeaderField[], inDigest: boolean): ContentFields {
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
    } else {
      contentType = textPlain();
    }
  }
  const cteRaw = optional(fields, 'content-transfer-encoding');
  const cte = cteRaw ? cteRaw.split(/[\s;(]/)[0].toLowerCase() : '';
  let contentDisposition: ContentDisposition | null = null;
  const cd = findField(fields, 'content-disposition');
  if (cd) {
    const { value, params } = parseParamValue(cd.value);
    if (value.length > 0) contentDisposition = { type: value.toLowerCase(), params };
  }
  const lang = optional(fields, 'content-language');
  const languages = lang === null ? null : lang.split(/[\s,]+/).filter((l) => l.length > 0);
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
