// Until the IMAP front-end lands (issue 7): greet, refuse every command clearly, honour LOGOUT.
import type { ClientConnection } from '../../src/net/connection.js';

const MAX_LINE = 8192;

/** Serve one IMAP connection with the "not yet implemented" answer. */
export function servePlaceholderImap(conn: ClientConnection): void {
  let buf = '';
  const write = (line: string): void => {
    if (!conn.closed) conn.write(`${line}\r\n`);
  };
  write('* OK inboxd ready; IMAP is not yet implemented on this server, use POP3');
  conn.onShutdown(() => {
    write('* BYE Server shutting down');
    conn.close();
  });
  conn.onData((chunk) => {
    buf += chunk.toString('latin1');
    if (buf.length > MAX_LINE && !buf.includes('\n')) {
      write('* BYE Line too long');
      conn.close();
      return;
    }
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      const [tag, command] = line.split(' ', 2);
      if (!tag) continue;
      if (command?.toUpperCase() === 'LOGOUT') {
        write('* BYE Logging out');
        write(`${tag} OK LOGOUT completed`);
        conn.close();
        return;
      }
      write(`${tag} NO IMAP is not yet implemented on this server`);
    }
  });
}
