// A minimal IMAP server for client tests: its framing is our ImapParser; it answers `+` to
// literals, OK to every command (with just enough untagged data for clients to proceed), and
// records every parsed command, error and APPEND body.

import net from 'node:net';
import { ImapParser, isIdleDone } from '../../../../../protocols/imap/parser/parser.js';
import type { ImapCommand } from '../../../../../protocols/imap/parser/types.js';

const CAPS = 'IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE UIDPLUS MOVE ESEARCH SPECIAL-USE LIST-EXTENDED LIST-STATUS BINARY UNSELECT NAMESPACE CHILDREN';

/** What the fake server saw. */
export interface Recorded {
  commands: ImapCommand[];
  errors: string[];
  appended: Buffer[];
  raw: Buffer[];
}

/** Starts the server on 127.0.0.1, an OS-chosen port; `onIdle` runs when a client enters IDLE. */
export function startServer(onIdle: () => void): Promise<{ server: net.Server; port: number; rec: Recorded }> {
  const rec: Recorded = { commands: [], errors: [], appended: [], raw: [] };
  const server = net.createServer((socket) => {
    const parser = new ImapParser({ maxLineBytes: 65536, maxLiteralBytes: 1 << 20, maxNesting: 32, literalPlus: true });
    let idleTag: string | undefined;
    let message: Buffer[] = [];
    socket.write(`* OK [CAPABILITY ${CAPS}] fake server ready\r\n`);
    socket.on('data', (chunk: Buffer) => {
      rec.raw.push(chunk);
      if (process.env.IMAPFLOW_DEBUG) console.error('C:', JSON.stringify(chunk.toString('latin1')).slice(0, 300));
      parser.feed(chunk);
      for (;;) {
        const ev = parser.next();
        if (ev.kind === 'need-more') break;
        if (ev.kind === 'continuation-needed') socket.write('+ Ready\r\n');
        else if (ev.kind === 'append-message') message = [];
        else if (ev.kind === 'literal-data') message.push(Buffer.from(ev.chunk));
        else if (ev.kind === 'literal-end') rec.appended.push(Buffer.concat(message));
        else if (ev.kind === 'error') {
          rec.errors.push(ev.message);
          socket.write(`${ev.tag ?? '*'} BAD ${ev.message}\r\n`);
        } else if (ev.kind === 'line') {
          if (!isIdleDone(ev.line)) rec.errors.push(`expected DONE, got ${ev.line.toString()}`);
          socket.write(`${idleTag} OK Idle done\r\n`);
        } else if (ev.kind === 'command') {
          const c = ev.command;
          rec.commands.push(c);
          switch (c.name) {
            case 'LOGIN':
              socket.write(`${c.tag} OK [CAPABILITY ${CAPS}] Logged in\r\n`);
              break;
            case 'SELECT':
            case 'EXAMINE':
              socket.write(`* FLAGS (\\Seen \\Flagged \\Deleted)\r\n* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n${c.tag} OK [READ-WRITE] Selected\r\n`);
              break;
            case 'NAMESPACE':
              socket.write(`* NAMESPACE (("" "/")) NIL NIL\r\n${c.tag} OK Done\r\n`);
              break;
            case 'LIST':
              socket.write(`* LIST (\\HasNoChildren) "/" INBOX\r\n${c.tag} OK Done\r\n`);
              break;
            case 'IDLE':
              idleTag = c.tag;
              parser.expectLine();
              socket.write('+ idling\r\n');
              onIdle();
              break;
            case 'LOGOUT':
              socket.end(`* BYE bye\r\n${c.tag} OK Logged out\r\n`);
              break;
            default:
              socket.write(`${c.tag} OK Done\r\n`);
          }
        }
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port, rec }));
  });
}
