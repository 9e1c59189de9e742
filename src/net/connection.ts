// One accepted client connection as the POP3/IMAP front-ends see it: reading, writing, STARTTLS,
// idle timeout, close and shutdown notification, and the connect/disconnect log lines.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type tls from 'node:tls';
import type { Logger } from '../log.js';
import { serverHandshake } from './tls.js';

export type Protocol = 'pop3' | 'imap';

/** A client session's transport, handed by ConnectionServer to the protocol handler. */
export interface ClientConnection {
  /** Short unique session id, also in every log line of the session. */
  readonly id: string;
  readonly protocol: Protocol;
  /** The real client address (after PROXY), IPv4-mapped IPv6 shown as IPv4. */
  readonly clientIp: string;
  readonly clientPort: number;
  /** The address the client connected to (after PROXY). */
  readonly localAddress: string;
  readonly localPort: number;
  /** True after implicit TLS or a completed STARTTLS. */
  readonly secure: boolean;
  /** True when STARTTLS/STLS may be offered: not yet secure and a certificate is configured. */
  readonly canStartTls: boolean;
  /** The current transport: the TCP socket, or the TLS socket after TLS started. */
  readonly stream: Duplex;
  /** Plaintext bytes received through onData and sent through write(). */
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly startedAt: Date;
  /** True once close() or destroy() was called or the peer went away. */
  readonly closed: boolean;
  /** Logger bound to session id, protocol, client IP and TLS state (rebound after STARTTLS). */
  readonly log: Logger;
  /** Receive data; stays attached across STARTTLS. Reading starts when this is called. */
  onData(cb: (chunk: Buffer) => void): void;
  /** Stop / restart delivering data (backpressure); kept across STARTTLS. */
  pause(): void;
  resume(): void;
  /** Send bytes; false means "wait for drain" (see waitDrain) or the connection is closed. */
  write(data: string | Uint8Array): boolean;
  /** Resolves when the write buffer drained or the connection closed. */
  waitDrain(): Promise<void>;
  /**
   * STARTTLS/STLS: call after pausing and after the last plaintext reply was written. Resolves
   * once the handshake finished and `stream` is the TLS socket; on failure the connection is
   * closed and the promise rejects.
   */
  startTls(): Promise<void>;
  /** Flush pending output, end the connection, and destroy it if the peer lingers. */
  close(): void;
  /** Drop the connection at once. */
  destroy(): void;
  /** Called once, after the connection is fully closed. */
  onClose(cb: () => void): void;
  /** Called when the server shuts down: send the goodbye and close. */
  onShutdown(cb: () => void): void;
  /** Call `onTimeout` after `ms` without received data; 0 disables. Resets on every chunk. */
  setIdleTimeout(ms: number, onTimeout: () => void): void;
  /** Fields merged into the disconnect log line (per-protocol counters, user name). */
  setLogoutFields(fields: Record<string, unknown>): void;
}

/** The timer functions used for idle timeouts; injectable so tests can drive time by hand. */
export interface IdleTimers {
  setTimeout(cb: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real timers that do not keep the process alive on their own. */
export const realIdleTimers: IdleTimers = {
  setTimeout: (cb, ms) => setTimeout(cb, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Where a connection comes from, after any PROXY header. */
export interface ConnectionOrigin {
  readonly clientIp: string;
  readonly clientPort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** The proxy's own address when a PROXY header was accepted. */
  readonly proxy?: string;
}

/** What a Connection needs from the server that created it. */
export interface ConnectionContext {
  readonly protocol: Protocol;
  readonly origin: ConnectionOrigin;
  readonly raw: Socket;
  /** The socket to talk over: `raw`, or the TLS socket for implicit TLS. */
  readonly stream: Socket | tls.TLSSocket;
  readonly secure: boolean;
  readonly log: Logger;
  /** The TLS context for STARTTLS; undefined when the server has no certificate. */
  readonly tlsContext: () => tls.SecureContext | undefined;
  readonly tlsHandshakeTimeoutMs: number;
  /** How long close() waits for the peer before destroying the socket. */
  readonly closeLingerMs: number;
  readonly idleTimers: IdleTimers;
  /** Told once when the connection is gone. */
  readonly onGone: (conn: Connection) => void;
}

/** A short random session id (12 base64url characters, 72 bits). */
export function newSessionId(): string {
  return randomBytes(9).toString('base64url');
}

/** The ClientConnection implementation. */
export class Connection implements ClientConnection {
  readonly id = newSessionId();
  readonly protocol: Protocol;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly startedAt = new Date();
  bytesIn = 0;
  bytesOut = 0;
  private current: Socket | tls.TLSSocket;
  private isSecure: boolean;
  private logger: Logger;
  private dataCb: ((chunk: Buffer) => void) | null = null;
  private paused = false;
  private upgrading = false;
  private isClosed = false;
  private gone = false;
  private closeCbs: Array<() => void> = [];
  private shutdownCbs: Array<() => void> = [];
  private logoutFields: Record<string, unknown> = {};
  private idleMs = 0;
  private idleCb: (() => void) | null = null;
  private idleTimer: unknown = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private closeReason = 'peer';

  constructor(private readonly ctx: ConnectionContext) {
    this.protocol = ctx.protocol;
    this.clientIp = ctx.origin.clientIp;
    this.clientPort = ctx.origin.clientPort;
    this.localAddress = ctx.origin.localAddress;
    this.localPort = ctx.origin.localPort;
    this.current = ctx.stream;
    this.isSecure = ctx.secure;
    this.logger = this.bindLogger();
    this.watch(ctx.raw);
    if (ctx.stream !== ctx.raw) this.watch(ctx.stream);
    this.logger.info({ event: 'connect', port: this.clientPort, local: `${this.localAddress}:${this.localPort}`, proxy: ctx.origin.proxy }, 'connect');
  }

  get secure(): boolean {
    return this.isSecure;
  }

  get canStartTls(): boolean {
    return !this.isSecure && !this.upgrading && this.ctx.tlsContext() !== undefined;
  }

  get stream(): Duplex {
    return this.current;
  }

  get closed(): boolean {
    return this.isClosed || this.gone;
  }

  get log(): Logger {
    return this.logger;
  }

  onData(cb: (chunk: Buffer) => void): void {
    const first = this.dataCb === null;
    this.dataCb = cb;
    if (first && !this.upgrading) this.listen(this.current);
  }

  pause(): void {
    this.paused = true;
    this.current.pause();
  }

  resume(): void {
    this.paused = false;
    if (!this.upgrading && this.dataCb !== null) this.current.resume();
  }

  write(data: string | Uint8Array): boolean {
    if (this.closed) return false;
    if (this.upgrading) {
      this.logger.warn('write() during a TLS upgrade was dropped');
      return false;
    }
    this.bytesOut += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    return this.current.write(data);
  }

  waitDrain(): Promise<void> {
    if (this.closed || !this.current.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.current.off('drain', done);
        this.closeCbs = this.closeCbs.filter((c) => c !== done);
        resolve();
      };
      this.current.on('drain', done);
      this.closeCbs.push(done);
    });
  }

  async startTls(): Promise<void> {
    if (this.isSecure) throw new Error('TLS is already active on this connection');
    if (this.upgrading) throw new Error('a TLS upgrade is already in progress');
    if (this.closed) throw new Error('connection is closed');
    const context = this.ctx.tlsContext();
    if (context === undefined) throw new Error('no TLS certificate is configured');
    this.upgrading = true;
    const plain = this.current as Socket;
    plain.off('data', this.handleData);
    plain.pause();
    try {
      const secure = await serverHandshake(plain, context, this.ctx.tlsHandshakeTimeoutMs, this.logger);
      this.current = secure;
      this.isSecure = true;
      this.logger = this.bindLogger();
      this.watch(secure);
      this.upgrading = false;
      this.logger.debug({ event: 'starttls', tlsVersion: secure.getProtocol(), cipher: secure.getCipher().name }, 'TLS started');
      if (this.dataCb !== null) this.listen(secure);
    } catch (err) {
      this.upgrading = false;
      this.closeReason = 'starttls-failed';
      this.logger.debug({ err }, 'STARTTLS handshake failed');
      this.destroy();
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.isClosed = true;
    if (this.closeReason === 'peer') this.closeReason = 'server';
    this.clearIdle();
    this.current.end();
    this.lingerTimer = setTimeout(() => this.destroy(), this.ctx.closeLingerMs);
    this.lingerTimer.unref();
  }

  destroy(): void {
    if (!this.isClosed && this.closeReason === 'peer') this.closeReason = 'destroyed';
    this.isClosed = true;
    this.clearIdle();
    this.current.destroy();
    this.ctx.raw.destroy();
  }

  onClose(cb: () => void): void {
    if (this.gone) queueMicrotask(cb);
    else this.closeCbs.push(cb);
  }

  onShutdown(cb: () => void): void {
    this.shutdownCbs.push(cb);
  }

  setIdleTimeout(ms: number, onTimeout: () => void): void {
    this.idleMs = ms;
    this.idleCb = onTimeout;
    this.armIdle();
  }

  setLogoutFields(fields: Record<string, unknown>): void {
    Object.assign(this.logoutFields, fields);
  }

  /** Server shutdown: let the protocol say goodbye, or close if it registered nothing. */
  notifyShutdown(): void {
    if (this.closed) return;
    this.closeReason = 'shutdown';
    if (this.shutdownCbs.length === 0) {
      this.close();
      return;
    }
    for (const cb of this.shutdownCbs) this.guard(cb, 'shutdown callback');
  }

  /** Set the reason shown in the disconnect line (e.g. 'idle', 'shutdown-timeout'). */
  setCloseReason(reason: string): void {
    this.closeReason = reason;
  }

  private bindLogger(): Logger {
    return this.ctx.log.child({ session: this.id, protocol: this.protocol, ip: this.clientIp, tls: this.isSecure });
  }

  private listen(stream: Socket | tls.TLSSocket): void {
    stream.on('data', this.handleData);
    if (this.paused) stream.pause();
    else stream.resume();
  }

  private readonly handleData = (chunk: Buffer): void => {
    if (this.closed) return;
    this.bytesIn += chunk.length;
    this.armIdle();
    const cb = this.dataCb;
    if (cb !== null) this.guard(() => cb(chunk), 'data handler');
  };

  private watch(stream: Socket | tls.TLSSocket): void {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.logger.debug({ err: { code: err.code, message: err.message } }, 'socket error');
      if (this.closeReason === 'peer') this.closeReason = err.code ?? 'error';
      this.destroy();
    });
    stream.once('close', () => {
      // During a STARTTLS handshake the TLS socket owns the TCP socket; wait for its outcome.
      if (stream === this.ctx.raw && this.current !== stream && !this.current.destroyed) return;
      this.finish();
    });
  }

  private finish(): void {
    if (this.gone) return;
    this.gone = true;
    this.isClosed = true;
    this.clearIdle();
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.ctx.raw.destroy();
    this.logger.info(
      {
        event: 'disconnect',
        reason: this.closeReason,
        durationMs: Date.now() - this.startedAt.getTime(),
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        ...this.logoutFields,
      },
      'disconnect',
    );
    const cbs = this.closeCbs;
    this.closeCbs = [];
    for (const cb of cbs) this.guard(cb, 'close callback');
    this.ctx.onGone(this);
  }

  private armIdle(): void {
    this.clearIdle();
    if (this.idleMs <= 0 || this.idleCb === null || this.closed) return;
    const cb = this.idleCb;
    this.idleTimer = this.ctx.idleTimers.setTimeout(() => {
      this.idleTimer = null;
      if (this.closed) return;
      this.closeReason = 'idle';
      this.guard(cb, 'idle timeout callback');
    }, this.idleMs);
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.ctx.idleTimers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Run protocol code; an exception there is logged and drops this connection, never the process. */
  private guard(fn: () => void, what: string): void {
    try {
      fn();
    } catch (err) {
      this.logger.error({ err }, `${what} threw; closing the connection`);
      this.closeReason = 'handler-error';
      this.destroy();
    }
  }
}
