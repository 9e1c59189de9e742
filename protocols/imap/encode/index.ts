// Public surface of the IMAP encoders.

export { encodeAstring, encodeLiteral, encodeString, literalPrefix } from './string.js';
export type { StringOptions } from './string.js';
export { continuation, dateTime, flagList, isValidFlag, joinParts, paren, sequenceSet, tagged, untagged, untaggedStatus } from './response.js';
export type { Part, ResponseCode, TaggedStatus, UntaggedStatus } from './response.js';
export { encodeAddress, encodeAddressList } from './address.js';
export { fetchResponseKey, sectionSpec } from './fetch-key.js';
