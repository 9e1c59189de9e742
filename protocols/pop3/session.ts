// One POP3 connection (RFC 1939, RFC 2449, RFC 2595, RFC 5034): reads pipelined command lines,
// dispatches them in order by state, streams multi-line responses with backpressure.
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config/schema.js';
import type { AuthBackend, AuthenticatedUser } from '../../src/auth/types.js';
import type { ClientConnection } from '../../src/net/connection.js';
import type { MailStore } from '../../storage/types.js';
import { isMailError } from '../../storage/errors.js';
import { cleartextAllowed, type MechanismName } from '../sasl/index.js';
import { DotStuffer } from './encode.js';
import { parseCommand, Pop3LineParser, type LineEvent } from './parser.js';
import type { Pop3State } from './state.js';
import type { MaildropRegistry } from './maildrops.js';
import { COMMANDS } from './commands/index.js';

/** The user database plus the failure penalty (src/auth's Authenticator fits). */
export interface Pop3Auth extends AuthBackend {
  attempt<T>(clientIp: string, fn: () => Promise<T | null>): Promise<T | null>;
}

/** Everything a POP3 session depends on, shared by all sessions of a daemon. */
export interface Pop3Deps {
  readonly settings: Config['pop3'];
  readonly maxLineBytes: number;
  readonly maxBadCommands: number;
  readonly maxSaslResponseBytes: number;
  readonly auth: Pop3Auth;
  readonly mechanisms: readonly MechanismName[];
  readonly cleartext: Config['auth']['allow_cleartext_without_tls'];
  readonly tlsAvailable: boolean;
  readonly hostname: string;
  readonly maildrops: MaildropRegistry;
  openStore(user: AuthenticatedUser): Promise<MailStore>;
  /** Called after each successful login (POP-before-SMTP). */
  onLogin?(user: AuthenticatedUser, clientIp: string): void;
}

/** Session counters for the logout line. */
interface Counters {
  topCount: number;
  topBytes: number;
  retrCount: number;
  retrBytes: number;
}

/** A POP3 response status code (RFC 2449 §8, RFC 3206). */
export type RespCode = 'AUTH' | 'SYS/TEMP' | 'SYS/PERM' | 'IN-USE' | 'LOGIN-DELAY';

export class Pop3Session {
  state: Pop3State = { kind: 'authorization' };
  readonly apopChallenge: string;
  readonly counters: Counters = { topCount: 0, topBytes: 0, retrCount: 0, retrBytes: 0 };
  private readonly parser: Pop3LineParser;
  private readonly queue: LineEvent[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;
  private badCommands = 0;

  constructor(
    readonly conn: ClientConnection,
    readonly deps: Pop3Deps,
  ) {
    this.parser = new Pop3LineParser(deps.maxLineBytes);
    this.apopChallenge = `<${process.pid}.${Date.now()}.${randomBytes(4).toString('hex')}@${deps.hostname}>`;
  }

  /** Run the session until QUIT, disconnect, timeout or shutdown. */
  async run(): Promise<void> {
    this.conn.onClose(() => this.markClosed());
    this.conn.onShutdown(() => {
      this.send('-ERR [SYS/TEMP] Server shutting down');
      this.conn.close();
    });
    this.conn.setIdleTimeout(this.deps.settings.idle_timeout_seconds * 1000, () => {
      this.send('-ERR Disconnected for inactivity');
      this.conn.close();
    });
    this.conn.onData((chunk) => this.receive(chunk));
    this.send(`+OK inboxd POP3 server ready ${this.apopChallenge}`);
    try {
      while (!this.closed) {
        const ev = await this.nextLine();
        if (ev === null) break;
        if (ev.kind === 'too-long') {
          this.send('-ERR Line too long');
          if (this.countBad()) break;
          continue;
        }
        if (ev.kind !== 'line') continue;
        await this.dispatch(ev.line);
      }
    } catch (err) {
      this.conn.log.error({ err }, 'pop3 session failed');
      this.send('-ERR [SYS/TEMP] Internal error');
    } finally {
      await this.finish();
    }
  }

  private async dispatch(line: Buffer): Promise<void> {
    const cmd = parseCommand(line);
    const spec = cmd ? COMMANDS.get(cmd.name) : undefined;
    if (!cmd || !spec) {
      this.send('-ERR Unknown command');
      if (this.countBad()) this.conn.close();
      return;
    }
    if (!spec.states.includes(this.state.kind)) {
      this.send(`-ERR ${cmd.name} is not allowed ${this.state.kind === 'authorization' ? 'before login' : 'after login'}`);
      if (this.countBad()) this.conn.close();
      return;
    }
    const before = this.badCommands;
    await spec.run(this, cmd);
    if (this.badCommands === before) this.badCommands = 0;
  }

  /** Count a bad command; true (after saying so) when the limit is reached. */
  countBad(): boolean {
    this.badCommands++;
    if (this.badCommands < this.deps.maxBadCommands) return false;
    this.send('-ERR Too many bad commands, closing');
    this.conn.close();
    return true;
  }

  /** Send one response line. */
  send(line: string): void {
    if (!this.closed) this.conn.write(`${line}\r\n`);
  }

  ok(text = ''): void {
    this.send(text === '' ? '+OK' : `+OK ${text}`);
  }

  err(text: string, code?: RespCode): void {
    this.send(code ? `-ERR [${code}] ${text}` : `-ERR ${text}`);
  }

  /** Answer a storage failure with the matching response code. */
  storageError(err: unknown, what: string): void {
    if (isMailError(err, 'InUse')) return this.err(`${what}: mailbox is in use`, 'IN-USE');
    if (isMailError(err) && (err.code === 'Perm' || err.code === 'Corrupt')) return this.err(`${what}: ${err.message}`, 'SYS/PERM');
    this.conn.log.warn({ err }, `${what} failed`);
    this.err(`${what}: temporary failure, try again later`, 'SYS/TEMP');
  }

  /**
   * Send "+OK first" and a multi-line body streamed from `source` through `transform`, dot-stuffed,
   * respecting the socket's backpressure. Returns the octets of the body sent before stuffing.
   */
  async sendMultiline(first: string, source: Readable, transform?: NodeJS.ReadWriteStream): Promise<number> {
    this.send(`+OK ${first}`);
    const stuffer = new DotStuffer();
    let raw = 0;
    const input = transform ? source.pipe(transform) : source;
    input.on('data', (c: Buffer) => (raw += c.length));
    input.pipe(stuffer);
    try {
      for await (const chunk of stuffer) {
        if (this.closed) break;
        if (!this.conn.write(chunk as Buffer)) await this.conn.waitDrain();
      }
    } finally {
      source.destroy();
    }
    return raw;
  }

  /** The next line from the client, for commands that read more (AUTH); null when closed. */
  async nextLine(): Promise<LineEvent | null> {
    while (this.queue.length === 0) {
      if (this.closed) return null;
      this.conn.resume();
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.queue.shift() ?? null;
  }

  /**
   * STLS: stop reading, drop anything the client pipelined after the command (it was sent in
   * cleartext and must not be executed after the upgrade), upgrade, and read from the TLS stream.
   */
  async upgradeTls(): Promise<void> {
    this.conn.pause();
    this.queue.length = 0;
    this.parser.reset();
    await this.conn.startTls();
    this.conn.resume();
  }

  private receive(chunk: Buffer): void {
    this.parser.feed(chunk);
    for (let ev = this.parser.next(); ev.kind !== 'need-more'; ev = this.parser.next()) this.queue.push(ev);
    // Backpressure on pipelining clients: stop reading while many commands wait.
    if (this.queue.length > 64 || this.parser.pending > this.deps.maxLineBytes * 2) this.conn.pause();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private markClosed(): void {
    this.closed = true;
    this.wake();
  }

  /** Whether cleartext passwords may be sent on this connection now. */
  cleartextAllowed(): boolean {
    return cleartextAllowed(this.deps.cleartext, this.conn.secure, this.conn.clientIp);
  }

  /** End of session: a transaction state that did not reach UPDATE commits nothing. */
  private async finish(): Promise<void> {
    const s = this.state;
    if (s.kind === 'transaction') {
      s.release();
      await s.mailbox.close().catch(() => undefined);
      await s.store.close().catch(() => undefined);
      this.logout(s.messages.length, s.deleted.size, 0, s.messages.reduce((n, m) => n + m.size, 0), false);
    }
    this.conn.close();
  }

  /** Record the logout counters on the connection's close log line. */
  logout(total: number, deleted: number, deletedBytes: number, size: number, committed: boolean): void {
    const c = this.counters;
    this.conn.setLogoutFields({
      pop3: `top=${c.topCount}/${c.topBytes}, retr=${c.retrCount}/${c.retrBytes}, del=${deleted}/${total}, size=${size}`,
      deletedBytes,
      committed,
    });
  }
}
