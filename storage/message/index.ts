// The message layer: MIME structure, envelope, header access, search text, dates.

export type { Address, ContentDisposition, ContentType, Envelope, HeaderField, MimeNode, ParsedMessage } from './types.js';
export { createCrlfNormalizer, crlfSize } from './crlf.js';
export { parseMessage, parseMessageSync } from './parse-message.js';
export type { ParseMessageOptions } from './parse-message.js';
export { DEFAULT_MIME_LIMITS, MimeStructureParser } from './mime-parser.js';
export type { LeafHooks, MimeParseLimits } from './mime-parser.js';
export { parseHeader, selectHeaderFields, excludeHeaderFields, decodeHeaderValue, findField, unfold, bytesToRawString } from './header.js';
export { parseAddressList } from './address.js';
export { buildEnvelope } from './envelope.js';
export { extractSearchText, decodeTextBody, htmlToText } from './search-text.js';
export type { SearchText, SearchTextOptions } from './search-text.js';
export { parseRfc5322Date, parseRfc5322DateWithZone } from './date.js';
export type { ParsedDate } from './date.js';
export { resolveSection } from './section.js';
