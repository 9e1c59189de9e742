// Public surface of the IMAP command parser.
//
// How a session drives it (one parser per connection, limits from `config.limits`):
//
//   const parser = new ImapParser({ maxLineBytes: limits.max_line_bytes,
//     maxLiteralBytes: limits.max_literal_bytes, maxNesting: limits.max_nesting, literalPlus: true });
//   socket.on('data', (chunk) => { parser.feed(chunk); drain(); });
//   function drain() { for (;;) { const ev = parser.next(); switch (ev.kind) {
//     case 'need-more': return;                       // wait for the next chunk
//     case 'command': dispatch(ev.command); break;     // typed AST: ev.command.name narrows args
//     case 'continuation-needed': write('+ Ready\r\n') // or answer NO/BAD and parser.rejectLiteral()
//     case 'append-message': open a storage append for ev.message (size, flags, date, binary);
//                            on a synchronizing one the session may refuse (NO [TRYCREATE], …)
//                            with parser.rejectLiteral() when continuation-needed follows;
//     case 'literal-data': write ev.chunk to that append (pause the socket for backpressure);
//     case 'literal-end': finish that message;
//     // then a 'command' APPEND with every message's metadata: commit all of them;
//     // an 'error' with the APPEND's tag in between: discard them.
//     case 'error': tagged BAD (or NO [TOOBIG] when code is TOOBIG) with ev.tag, `* BAD` without
//                   a tag; when ev.fatal: `* BYE` and close.
//   } } }
//
// After IDLE, or during AUTHENTICATE, call parser.expectLine(): the next line comes back as a
// `line` event (isIdleDone(line) for IDLE's DONE). After ENABLE UTF8=ACCEPT call setUtf8(true).
// Sequence sets stay as written (`5:2`, `*`, `$`); resolveRanges() maps them onto a mailbox.

export { ImapParser, isIdleDone, LITERAL_MINUS_MAX } from './parser.js';
export type { ImapParserOptions } from './parser.js';
export { parseCommand } from './commands.js';
export { resolveRanges } from './sequence-set.js';
export type * from './types.js';
