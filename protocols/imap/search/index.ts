// Public surface of IMAP SEARCH support.

export { charsetSupported, keyToQuery, searchQuery, SEARCH_CHARSETS } from './translate.js';
export type { SetResolver } from './translate.js';
export { effectiveOptions, esearchLine, savedResult, searchLine } from './respond.js';
