// ConnectionServer: TCP listeners for POP3/IMAP with implicit TLS, PROXY protocol from trusted
// networks, global and per-IP connection limits, and graceful shutdown.
//
// Life of an accepted socket:
//   1. accepted paused; over the global limit (live + in-setup connections) → refused at once;
//   2. from a trusted network, a PROXY v1/v2 header is required (size cap, timeout); a bad or
//      missing header closes the socket without a word; its source becomes the client address;
//   3. implicit-TLS endpoints run the TLS handshake (with a timeout);
//   4. over the per-IP limit for the real client address → the caller's refusal line, close;
//   5. otherwise a Connection is created, logged, and handed to onConnection.
// The global check happens before the PROXY header and TLS so that an overload does not cost
// handshakes; an implicit-TLS socket refused there is closed without a line (it could not be
// read before a handshake).
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import { StartupError } from '../errors.js';
import type { Logger } from '../log.js';
import { NetworkParseError, normalizeAddress, parseNetworks, type NetworkList } from './cidr.js';
import { Connection, realIdleTimers, type ClientConnection, type ConnectionOrigin, type IdleTimers, type Protocol } from './connection.js';
import { ProxyHeaderParser, type ProxyParseResult } from './proxy-protocol.js';
import { serverHandshake, type TlsManager } from './tls.js';

/** One address/port to listen on and what is spoken there. */
export interface Endpoint {
  readonly host: string;
  /** 0 lets the OS choose; listen() reports the port it got. */
  readonly port: number;
  readonly implicitTls: boolean;
  readonly protocol: Protocol;
}

/** An endpoint after binding, with the real port. */
export interface BoundEndpoint extends Endpoint {
  readonly address: string;
}

/** Why a connection was refused: too many in total, or too many from one client address. */
export type RefusalReason = 'global' | 'per-ip';

/** The usual refusal lines: POP3 `-ERR [SYS/TEMP] …` (RFC 3206), IMAP `* BYE …` (RFC 3501 §7.1.5). */
export function defaultRefusalLine(protocol: Protocol, reason: RefusalReason): string {
  const text = reason === 'per-ip' ? 'Too many connections from your IP' : 'Too many connections';
  return protocol === 'pop3' ? `-ERR [SYS/TEMP] ${text}` : `* BYE ${text}`;
}

/** Settings of a ConnectionServer; limits come from [limits] and [proxy]. */
export interface ConnectionServerOptions {
  readonly endpoints: readonly Endpoint[];
  /** Receives every admitted connection. */
  readonly onConnection: (conn: ClientConnection) => void;
  /** The line (without CRLF) sent before closing a refused connection, e.g. `* BYE Too many connections`. */
  readonly refusalLine: (protocol: Protocol, reason: RefusalReason) => string;
  readonly log: Logger;
  /** Needed for implicit-TLS endpoints and for STARTTLS. */
  readonly tls?: TlsManager;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** proxy.trusted_networks: peers that must send a PROXY header. */
  readonly trustedNetworks?: readonly string[];
  readonly proxyHeaderTimeoutMs: number;
  /** Largest PROXY v2 payload (addresses + TLVs); default 1024. */
  readonly maxProxyV2PayloadBytes?: number;
  /** Time allowed for a TLS handshake (implicit or STARTTLS); default 30 s. */
  readonly tlsHandshakeTimeoutMs?: number;
  /** How long close() waits for the peer to go before destroying the socket; default 2 s. */
  readonly closeLingerMs?: number;
  /** Timers for ClientConnection.setIdleTimeout; tests inject a manual clock. */
  readonly idleTimers?: IdleTimers;
}

/** Listens on the endpoints and admits, limits, tracks and finally shuts down client connections. */
export class ConnectionServer {
  private readonly servers: net.Server[] = [];
  private readonly live = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  /** Sockets accepted but not yet admitted or refused (PROXY header, TLS handshake, refusal). */
  private readonly pending = new Set<net.Socket>();
  /** Refused sockets still flushing their refusal line; not counted against the limits. */
  private readonly refusing = new Set<net.Socket>();
  private readonly trusted: NetworkList;
  private closing: Promise<void> | null = null;
  private readonly log: Logger;

  constructor(private readonly options: ConnectionServerOptions) {
    this.log = options.log;
    try {
      this.trusted = parseNetworks(options.trustedNetworks ?? []);
    } catch (err) {
      if (err instanceof NetworkParseError) throw new StartupError(`proxy.trusted_networks: ${err.message}`, { cause: err });
      throw err;
    }
    for (const ep of options.endpoints) {
      if (ep.implicitTls && options.tls === undefined) {
        throw new StartupError(`${ep.protocol} on ${ep.host}:${ep.port} uses implicit TLS but no certificate is configured (tls.cert, tls.key)`);
      }
    }
  }

  /** Bind every endpoint; resolves with the bound addresses, or rejects with a StartupError (nothing left bound). */
  async listen(): Promise<BoundEndpoint[]> {
    const bound: BoundEndpoint[] = [];
    try {
      for (const ep of this.options.endpoints) bound.push(await this.bind(ep));
    } catch (err) {
      await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      this.servers.length = 0;
      throw err;
    }
    return bound;
  }

  /** Number of admitted connections still open. */
  get connectionCount(): number {
    return this.live.size;
  }

  /** The admitted connections still open. */
  connections(): ClientConnection[] {
    return [...this.live];
  }

  /**
   * Graceful shutdown: stop accepting now, ask every session to finish (onShutdown callbacks,
   * or close() when none), destroy what is left after `graceMs`. Resolves when all are gone.
   */
  close(graceMs: number): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = this.shutdown(graceMs);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const stopped = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    for (const socket of [...this.pending, ...this.refusing]) socket.destroy();
    const sessions = [...this.live];
    this.log.info({ event: 'shutdown', sessions: sessions.length, graceMs }, 'shutting down');
    for (const conn of sessions) conn.notifyShutdown();
    const allGone = Promise.all(sessions.map((c) => new Promise<void>((resolve) => c.onClose(resolve))));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    if ((await Promise.race([allGone, graceOver])) === 'timeout') {
      const left = [...this.live];
      if (left.length > 0) this.log.warn({ event: 'shutdown-timeout', sessions: left.length }, 'destroying sessions left after the grace time');
      for (const conn of left) {
        conn.setCloseReason('shutdown-timeout');
        conn.destroy();
      }
    }
    clearTimeout(timer);
    await allGone;
    await stopped;
  }

  private bind(ep: Endpoint): Promise<BoundEndpoint> {
    const server = net.createServer({ pauseOnConnect: true });
    server.on('connection', (socket: net.Socket) => {
      this.accept(socket, ep).catch((err: unknown) => {
        this.log.error({ err }, 'unexpected error while accepting a connection');
        socket.destroy();
      });
    });
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new StartupError(`cannot listen for ${describe(ep)} on ${ep.host}:${ep.port}: ${err.code ?? err.message}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen({ host: ep.host, port: ep.port, ipv6Only: net.isIPv6(ep.host) }, () => {
        server.off('error', onError);
        server.on('error', (err) => this.log.error({ err, endpoint: describe(ep) }, 'listener error'));
        this.servers.push(server);
        const addr = server.address() as net.AddressInfo;
        this.log.debug({ event: 'listen', endpoint: describe(ep), address: addr.address, port: addr.port }, 'listening');
        resolve({ ...ep, address: addr.address, port: addr.port });
      });
    });
  }

  private async accept(raw: net.Socket, ep: Endpoint): Promise<void> {
    const onEarlyError = (err: NodeJS.ErrnoException): void => this.log.debug({ err: { code: err.code, message: err.message } }, 'socket error before admission');
    raw.on('error', onEarlyError);
    raw.setNoDelay(true);
    const peerIp = normalizeAddress(raw.remoteAddress ?? '');
    if (this.closing !== null || raw.destroyed) {
      raw.destroy();
      return;
    }
    if (this.live.size + this.pending.size >= this.options.maxConnections) {
      this.log.warn({ event: 'refused', reason: 'global', protocol: ep.protocol, ip: peerIp, limit: this.options.maxConnections }, 'too many connections');
      if (ep.implicitTls) raw.destroy();
      else this.refuse(raw, raw, ep.protocol, 'global');
      return;
    }
    this.pending.add(raw);
    let origin: ConnectionOrigin = {
      clientIp: peerIp,
      clientPort: raw.remotePort ?? 0,
      localAddress: normalizeAddress(raw.localAddress ?? ''),
      localPort: raw.localPort ?? 0,
    };
    let stream: net.Socket | tls.TLSSocket = raw;
    try {
      if (this.trusted.contains(peerIp)) {
        const header = await this.readProxyHeader(raw);
        if (header.kind !== 'done') {
          this.log.info({ event: 'proxy-error', ip: peerIp, reason: header.kind === 'error' ? header.reason : 'closed' }, 'bad PROXY header; closing');
          raw.destroy();
          return;
        }
        if (header.source !== undefined) {
          origin = {
            clientIp: normalizeAddress(header.source.address),
            clientPort: header.source.port,
            localAddress: normalizeAddress(header.destination?.address ?? origin.localAddress),
            localPort: header.destination?.port ?? origin.localPort,
            proxy: peerIp,
          };
        }
      }
      if (ep.implicitTls && this.options.tls !== undefined) {
        stream = await serverHandshake(raw, this.options.tls.secureContext, this.handshakeTimeout, this.log);
      }
    } catch (err) {
      this.log.debug({ err: { message: (err as Error).message }, ip: origin.clientIp, protocol: ep.protocol }, 'connection setup failed');
      raw.destroy();
      return;
    } finally {
      this.pending.delete(raw);
    }
    if (this.closing !== null || raw.destroyed) {
      stream.destroy();
      return;
    }
    const fromIp = this.perIp.get(origin.clientIp) ?? 0;
    if (fromIp >= this.options.maxConnectionsPerIp) {
      this.log.warn({ event: 'refused', reason: 'per-ip', protocol: ep.protocol, ip: origin.clientIp, limit: this.options.maxConnectionsPerIp }, 'too many connections from one address');
      this.refuse(raw, stream, ep.protocol, 'per-ip');
      return;
    }
    raw.off('error', onEarlyError); // from here on the Connection watches the socket
    this.admit(raw, stream, ep, origin);
  }

  private admit(raw: net.Socket, stream: net.Socket | tls.TLSSocket, ep: Endpoint, origin: ConnectionOrigin): void {
    this.perIp.set(origin.clientIp, (this.perIp.get(origin.clientIp) ?? 0) + 1);
    const conn = new Connection({
      protocol: ep.protocol,
      origin,
      raw,
      stream,
      secure: stream !== raw,
      log: this.log,
      tlsContext: () => this.options.tls?.secureContext,
      tlsHandshakeTimeoutMs: this.handshakeTimeout,
      closeLingerMs: this.options.closeLingerMs ?? 2000,
      idleTimers: this.options.idleTimers ?? realIdleTimers,
      onGone: (c) => {
        this.live.delete(c);
        const n = (this.perIp.get(c.clientIp) ?? 1) - 1;
        if (n <= 0) this.perIp.delete(c.clientIp);
        else this.perIp.set(c.clientIp, n);
      },
    });
    this.live.add(conn);
    try {
      this.options.onConnection(conn);
    } catch (err) {
      conn.log.error({ err }, 'connection handler threw; closing');
      conn.setCloseReason('handler-error');
      conn.destroy();
    }
  }

  /** Send the refusal line, end, and destroy after the linger time if the peer stays. */
  private refuse(raw: net.Socket, stream: Duplex, protocol: Protocol, reason: RefusalReason): void {
    let line: string;
    try {
      line = this.options.refusalLine(protocol, reason);
    } catch (err) {
      this.log.error({ err }, 'refusalLine threw');
      line = '';
    }
    this.refusing.add(raw);
    raw.once('close', () => this.refusing.delete(raw));
    stream.on('error', () => stream.destroy());
    if (line !== '') stream.end(`${line}\r\n`);
    else stream.end();
    stream.resume(); // discard whatever the client sends meanwhile
    setTimeout(() => {
      stream.destroy();
      raw.destroy();
    }, this.options.closeLingerMs ?? 2000).unref();
  }

  /** Read the PROXY header from a trusted peer: done, error, or closed/timeout (as error). */
  private readProxyHeader(raw: net.Socket): Promise<ProxyParseResult> {
    return new Promise((resolve) => {
      const parser = new ProxyHeaderParser({ maxV2PayloadBytes: this.options.maxProxyV2PayloadBytes ?? 1024 });
      const finish = (result: ProxyParseResult): void => {
        clearTimeout(timer);
        raw.pause();
        raw.off('data', onData);
        raw.off('close', onClose);
        if (result.kind === 'done' && result.rest.length > 0) raw.unshift(result.rest);
        resolve(result);
      };
      const onData = (chunk: Buffer): void => {
        const result = parser.feed(chunk);
        if (result.kind !== 'need-more') finish(result);
      };
      const onClose = (): void => finish({ kind: 'error', reason: 'connection closed before the PROXY header was complete' });
      const timer = setTimeout(
        () => finish({ kind: 'error', reason: `no complete PROXY header within ${this.options.proxyHeaderTimeoutMs} ms` }),
        this.options.proxyHeaderTimeoutMs,
      );
      raw.on('data', onData);
      raw.once('close', onClose);
      raw.resume();
    });
  }

  private get handshakeTimeout(): number {
    return this.options.tlsHandshakeTimeoutMs ?? 30_000;
  }
}

function describe(ep: Endpoint): string {
  return `${ep.protocol}${ep.implicitTls ? 's' : ''}`;
}
