// A tiny line protocol on top of ConnectionServer, standing in for POP3/IMAP in the src/net tests.
//   greeting: "+OK hello <clientIp> <secure>"
//   ECHO x → "+OK x"      WHO → "+OK <ip> <port> <localAddress> <localPort> <secure>"
//   STLS   → "+OK begin TLS", then the TLS handshake (bytes pipelined after STLS are discarded)
//   STUBBORN → ignore the shutdown request     QUIT → "+OK bye" and close
//   anything else → "-ERR unknown: <line>"
import { PassThrough } from 'node:stream';
import { createLogger } from '../../../../src/log.js';
import type { ClientConnection, IdleTimers } from '../../../../src/net/connection.js';
import { ConnectionServer, defaultRefusalLine, type BoundEndpoint, type ConnectionServerOptions, type Endpoint } from '../../../../src/net/server.js';
import type { TlsManager } from '../../../../src/net/tls.js';

export interface Toy {
  server: ConnectionServer;
  bound: BoundEndpoint[];
  /** Server-side connections in accept order. */
  conns: ClientConnection[];
  /** Parsed JSON log lines so far. */
  logs: () => Array<Record<string, unknown>>;
  /** Resolves when the n-th (0-based) server-side connection has closed. */
  closedOnServer: (index: number) => Promise<void>;
  stop: () => Promise<void>;
}

export interface ToyOptions {
  endpoints?: Endpoint[];
  tls?: TlsManager;
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  trustedNetworks?: string[];
  proxyHeaderTimeoutMs?: number;
  idleTimers?: IdleTimers;
  idleMs?: number;
  onConnection?: ConnectionServerOptions['onConnection'];
}

export async function startToy(o: ToyOptions = {}): Promise<Toy> {
  const logStream = new PassThrough();
  let logText = '';
  logStream.on('data', (d: Buffer) => (logText += d.toString()));
  const log = createLogger({ level: 'debug', format: 'json' }, logStream);
  const conns: ClientConnection[] = [];
  const closedFlags: Array<Promise<void>> = [];
  const server = new ConnectionServer({
    endpoints: o.endpoints ?? [{ host: '127.0.0.1', port: 0, implicitTls: false, protocol: 'pop3' }],
    tls: o.tls,
    maxConnections: o.maxConnections ?? 100,
    maxConnectionsPerIp: o.maxConnectionsPerIp ?? 100,
    trustedNetworks: o.trustedNetworks ?? [],
    proxyHeaderTimeoutMs: o.proxyHeaderTimeoutMs ?? 5000,
    idleTimers: o.idleTimers,
    closeLingerMs: 1000,
    log,
    refusalLine: defaultRefusalLine,
    onConnection: (conn) => {
      conns.push(conn);
      closedFlags.push(new Promise((resolve) => conn.onClose(resolve)));
      if (o.onConnection) {
        o.onConnection(conn);
        return;
      }
      serveToy(conn, o.idleMs ?? 0);
    },
  });
  const bound = await server.listen();
  return {
    server,
    bound,
    conns,
    logs: () =>
      logText
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    closedOnServer: async (index) => {
      const deadline = Date.now() + 10_000;
      while (closedFlags[index] === undefined) {
        if (Date.now() > deadline) throw new Error(`server-side connection #${index} never arrived`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await closedFlags[index];
    },
    stop: () => server.close(0),
  };
}

function serveToy(conn: ClientConnection, idleMs: number): void {
  let buffer = '';
  let stubborn = false;
  conn.write(`+OK hello ${conn.clientIp} ${conn.secure}\r\n`);
  conn.onShutdown(() => {
    if (stubborn) return;
    conn.write('-ERR shutting down\r\n');
    conn.close();
  });
  if (idleMs > 0) {
    conn.setIdleTimeout(idleMs, () => {
      conn.write('-ERR idle timeout\r\n');
      conn.close();
    });
  }
  let lines = 0;
  conn.onData((chunk) => {
    buffer += chunk.toString('latin1');
    let eol: number;
    while ((eol = buffer.indexOf('\r\n')) !== -1) {
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      conn.setLogoutFields({ lines: ++lines });
      const [cmd, ...args] = line.split(' ');
      if (cmd === 'ECHO') conn.write(`+OK ${args.join(' ')}\r\n`);
      else if (cmd === 'WHO') conn.write(`+OK ${conn.clientIp} ${conn.clientPort} ${conn.localAddress} ${conn.localPort} ${conn.secure}\r\n`);
      else if (cmd === 'STUBBORN') {
        stubborn = true;
        conn.write('+OK\r\n');
      } else if (cmd === 'QUIT') {
        conn.write('+OK bye\r\n');
        conn.close();
        return;
      } else if (cmd === 'STLS') {
        buffer = ''; // never carry plaintext past STARTTLS
        conn.pause();
        conn.write('+OK begin TLS\r\n');
        conn.startTls().then(
          () => conn.resume(),
          () => undefined,
        );
        return;
      } else conn.write(`-ERR unknown: ${line}\r\n`);
    }
  });
}
