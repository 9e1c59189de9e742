// Public surface of the IMAP command parser.

export { ImapParser, isIdleDone, LITERAL_MINUS_MAX } from './parser.js';
export type { ImapParserOptions } from './parser.js';
export { parseCommand } from './commands.js';
export { resolveRanges } from './sequence-set.js';
export type * from './types.js';
