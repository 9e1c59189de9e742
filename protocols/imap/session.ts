// One IMAP4rev1 connection (RFC 3501 §2-§5): drives the incremental parser, dispatches commands by
// state to their modules (commands/), sends the tagged reply and, around it, the untagged updates
// of the selected mailbox (updates.ts). Input is read only when the parser has run dry, so a
// pipelining client is held back by TCP; output is written in order with drain waits.
import type { Readable } from 'node:stream';
import type { AuthenticatedUser } from '../../src/auth/types.js';
import type { ClientConnection } from '../../src/net/connection.js';
import type { Flags, Mailbox, MailStore } from '../../storage/types.js';
import { cleartextAllowed, listMechanisms, type MechanismName } from '../sasl/index.js';
import { capabilityList } from './capabilities.js';
import { COMMANDS, commandCapabilities } from './commands/index.js';
import { CommandError } from './commands/types.js';
import type { ImapDeps, ImapSession, ResolveOptions, TaggedResult } from './commands/types.js';
import { receiveAppend } from './commands/append.js';
import { tagged, untagged, untaggedStatus, type Part, type ResponseCode, type StringOptions } from './encode/index.js';
import { mailErrorResult } from './errors.js';
import { isMailError } from '../../storage/errors.js';
import { ImapParser, type ImapCommand, type ParserEvent, type SequenceSet } from './parser/index.js';
import { literalTo, streamTo } from './output.js';
import type { ImapState, SelectedState } from './state.js';
import { ClientView } from './updates.js';

/** Turns a code given as text (`APPENDUID 7 12`) into a ResponseCode. */
function toResponseCode(code: ResponseCode | string | undefined): ResponseCode | undefined {
  if (code === undefined || typeof code !== 'string') return code;
  const cut = code.indexOf(' ');
  return cut < 0 ? { name: code } : { name: code.slice(0, cut), args: [code.slice(cut + 1)] };
}

/** The IMAP session of one connection; `run()` serves it until LOGOUT, disconnect or shutdown. */
export class ImapServerSession implements ImapSession {
  state: ImapState = { kind: 'notAuthenticated' };
  readonly enabled = new Set<string>();
  savedSearch: number[] = [];
  /** The client's numbering of the selected mailbox. */
  view: ClientView | null = null;
  /** Set by LOGOUT: close after the tagged reply. */
  logoutRequested = false;
  private parser: ImapParser;
  private waiter: (() => void) | null = null;
  private isClosed = false;
  private waitingForInput = false;
  private badCommands = 0;
  private current: { uid: boolean; expungeAllowed: boolean } = { uid: false, expungeAllowed: true };
  private afterReply: (() => Promise<void>) | null = null;

  constructor(
    readonly conn: ClientConnection,
    readonly deps: ImapDeps,
  ) {
    this.parser = this.newParser();
  }

  private newParser(): ImapParser {
    const l = this.deps.limits;
    return new ImapParser({ maxLineBytes: l.max_line_bytes, maxLiteralBytes: Math.min(l.max_literal_bytes, l.max_message_bytes), maxNesting: l.max_nesting, literalPlus: true });
  }

  get log() {
    return this.conn.log;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get stringOptions(): StringOptions {
    return { utf8: this.enabled.has('UTF8=ACCEPT') };
  }

  selected(): SelectedState {
    if (this.state.kind !== 'selected') throw new CommandError({ status: 'BAD', text: 'No mailbox selected' });
    return this.state;
  }

  get mailbox(): Mailbox {
    return this.selected().mailbox;
  }

  get viewUids(): readonly number[] {
    return this.view?.uids ?? [];
  }

  seqOf(uid: number): number {
    return this.view?.seqOf(uid) ?? 0;
  }

  /* ---------------------------------------------------------------- output */

  write(data: Buffer | string): boolean {
    if (this.isClosed) return false;
    return this.conn.write(data);
  }

  async flush(): Promise<void> {
    if (!this.isClosed) await this.conn.waitDrain();
  }

  untagged(...parts: Part[]): boolean {
    return this.write(untagged(...parts));
  }

  writeStream(source: Readable | AsyncIterable<Buffer>): Promise<number> {
    return streamTo(this, source);
  }

  async writeLiteral(size: number, source: Readable | AsyncIterable<Buffer>, binary = false): Promise<void> {
    const produced = await literalTo(this, size, source, binary);
    if (produced !== size && !this.isClosed) this.log.warn({ announced: size, produced }, 'imap literal size mismatch');
  }

  /** Sends `tag STATUS [CODE] text`. */
  reply(tag: string, result: TaggedResult): void {
    try {
      this.write(tagged(tag, result.status, result.text, toResponseCode(result.code)));
    } catch (err) {
      this.log.warn({ err }, 'imap reply not encodable');
      this.write(untaggedStatus('BAD', result.text));
    }
  }

  /* ---------------------------------------------------------------- mailbox view */

  resolveSequenceSet(set: SequenceSet, options: ResolveOptions): number[] {
    if (set.kind === 'saved') return this.savedSearch.filter((u) => this.seqOf(u) > 0);
    const view = this.view ?? new ClientView([]);
    const uids = options.uid ? view.resolveUids(set.ranges) : view.resolveSequence(set.ranges);
    if (uids === null) throw new CommandError({ status: 'BAD', text: 'Invalid message sequence number' });
    return uids;
  }

  flagsReported(uid: number, flags: Flags, keywords: readonly string[]): void {
    this.view?.noteReported(uid, flags, keywords);
  }

  async syncMailbox(skipFlags?: ReadonlySet<number>): Promise<void> {
    const s = this.state;
    if (s.kind !== 'selected' || !this.view) return;
    const result = await s.mailbox.sync();
    const options = { allowExpunge: this.current.expungeAllowed, withUid: this.current.uid, skipFlags };
    for (const line of this.view.apply(result, s.mailbox, options)) {
      if (!this.write(line)) await this.flush();
    }
  }

  /** Enters the selected state on an opened mailbox; the old one, if any, is closed first. */
  async enterSelected(mailbox: Mailbox, name: string, readOnly: boolean, keywords: Iterable<string> = []): Promise<void> {
    await this.leaveSelected();
    const s = this.state;
    if (s.kind === 'notAuthenticated') throw new Error('not authenticated');
    this.view = new ClientView(mailbox.messages.map((m) => m.uid), keywords, readOnly);
    this.savedSearch = [];
    this.state = { kind: 'selected', user: s.user, store: s.store, mailbox, readOnly, name };
  }

  /** Back to the authenticated state, closing the selected mailbox (no expunge). */
  async leaveSelected(): Promise<void> {
    const s = this.state;
    if (s.kind !== 'selected') return;
    this.state = { kind: 'authenticated', user: s.user, store: s.store };
    this.view = null;
    this.savedSearch = [];
    await s.mailbox.close().catch((err: unknown) => this.log.warn({ err }, 'imap mailbox close failed'));
  }

  /** Enters the authenticated state after a successful login. */
  async enterAuthenticated(user: AuthenticatedUser): Promise<TaggedResult> {
    let store: MailStore;
    try {
      store = await this.deps.openStore(user);
    } catch (err) {
      this.log.warn({ err, user: user.username }, 'imap store open failed');
      return mailErrorResult(err, 'Cannot open your mail') ?? { status: 'NO', code: 'UNAVAILABLE', text: 'Cannot open your mail, try again later' };
    }
    this.state = { kind: 'authenticated', user, store };
    this.deps.onLogin?.(user, this.conn.clientIp);
    this.conn.setLogoutFields({ user: user.username });
    this.log.info({ user: user.username }, 'imap login');
    return { status: 'OK', code: { name: 'CAPABILITY', args: this.capabilities() }, text: 'Logged in' };
  }

  /* ---------------------------------------------------------------- policy */

  /** Whether cleartext passwords may be sent on this connection now. */
  cleartextAllowed(): boolean {
    return cleartextAllowed(this.deps.cleartext, this.conn.secure, this.conn.clientIp);
  }

  /** The SASL mechanisms offered now. */
  mechanisms(): MechanismName[] {
    return listMechanisms(this.deps.mechanisms, { secure: this.conn.secure, allowCleartext: this.cleartextAllowed() });
  }

  /** The current capability words. */
  capabilities(): string[] {
    return capabilityList({
      authenticated: this.state.kind !== 'notAuthenticated',
      canStartTls: this.deps.tlsAvailable && !this.conn.secure,
      cleartextAllowed: this.cleartextAllowed(),
      mechanisms: this.mechanisms(),
      fromCommands: commandCapabilities(),
    });
  }

  /** Runs `fn` after the tagged reply of the current command is written (STARTTLS). */
  runAfterReply(fn: () => Promise<void>): void {
    this.afterReply = fn;
  }

  /** STARTTLS: drop what the client pipelined in cleartext and continue over TLS. */
  async upgradeTls(): Promise<void> {
    this.conn.pause();
    this.parser = this.newParser();
    await this.flush();
    await this.conn.startTls();
  }

  /** Counts a BAD reply; true (after `* BYE`) when the limit is reached. */
  countBad(): boolean {
    this.badCommands++;
    if (this.badCommands < this.deps.limits.max_bad_commands) return false;
    this.write(untaggedStatus('BYE', 'Too many invalid commands'));
    this.conn.close();
    return true;
  }

  /* ---------------------------------------------------------------- input */

  /** The next parser event, reading from the socket when needed; null once the client is gone. */
  async nextEvent(): Promise<ParserEvent | null> {
    for (;;) {
      if (this.isClosed) return null;
      const ev = this.parser.next();
      if (ev.kind !== 'need-more') return ev;
      if (this.parser.closed) return null;
      this.waitingForInput = true;
      this.conn.resume();
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waitingForInput = false;
    }
  }

  /** Asks the parser to return the next line raw (IDLE's DONE, AUTHENTICATE responses). */
  expectLine(): void {
    this.parser.expectLine();
  }

  /** Refuses the synchronizing literal just announced (see ImapParser.rejectLiteral). */
  rejectLiteral(): void {
    this.parser.rejectLiteral();
  }

  private receive(chunk: Buffer): void {
    this.parser.feed(chunk);
    this.conn.pause();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private markClosed(): void {
    this.isClosed = true;
    this.wake();
  }

  /* ---------------------------------------------------------------- the loop */

  /** Serves the connection until LOGOUT, disconnect, autologout or shutdown. */
  async run(): Promise<void> {
    this.conn.onClose(() => this.markClosed());
    this.conn.onShutdown(() => this.shutdown());
    this.armAutologout();
    this.conn.onData((chunk) => this.receive(chunk));
    this.write(untaggedStatus('OK', 'inboxd IMAP4rev1 server ready', { name: 'CAPABILITY', args: this.capabilities() }));
    try {
      while (!this.isClosed) {
        const ev = await this.nextEvent();
        if (ev === null) break;
        await this.handleEvent(ev);
        if (this.logoutRequested) break;
      }
    } catch (err) {
      this.log.error({ err }, 'imap session failed');
      this.write(untaggedStatus('BYE', 'Internal server error'));
    } finally {
      await this.finish();
    }
  }

  /** (Re)arms the autologout timer: RFC 3501 §5.4, at least 30 minutes. */
  armAutologout(): void {
    this.conn.setIdleTimeout(this.deps.settings.autologout_seconds * 1000, () => {
      this.write(untaggedStatus('BYE', 'Autologout; idle for too long'));
      this.conn.close();
    });
  }

  /** Suspends the autologout (during IDLE). */
  suspendAutologout(): void {
    this.conn.setIdleTimeout(0, () => undefined);
  }

  /** A shutdown arrived while a command ran: say BYE after its reply. */
  private shutdownPending = false;

  private shutdown(): void {
    if (this.isClosed) return;
    if (this.waitingForInput) {
      this.write(untaggedStatus('BYE', 'Server shutting down'));
      this.conn.close();
    } else {
      this.shutdownPending = true;
    }
  }

  private async handleEvent(ev: ParserEvent): Promise<void> {
    switch (ev.kind) {
      case 'command':
        return this.dispatch(ev.command);
      case 'continuation-needed':
        this.write('+ Ready for literal data\r\n');
        return;
      case 'append-message': {
        const done = await receiveAppend(this, ev);
        if (done) await this.finishCommand(done.tag, done.result);
        return;
      }
      case 'error': {
        if (ev.fatal) {
          this.write(untaggedStatus('BYE', ev.message));
          this.conn.close();
          return;
        }
        if (ev.tag !== undefined) {
          this.reply(ev.tag, ev.code === 'TOOBIG' ? { status: 'NO', code: 'TOOBIG', text: ev.message } : { status: 'BAD', text: ev.message });
        } else {
          this.write(untaggedStatus('BAD', ev.message));
        }
        this.countBad();
        return;
      }
      default:
        return; // stray literal data or a raw line outside IDLE/AUTHENTICATE: nothing to do
    }
  }

  private async dispatch(cmd: ImapCommand): Promise<void> {
    const spec = COMMANDS.get(cmd.name);
    if (!spec) return this.finishCommand(cmd.tag, { status: 'BAD', text: `${cmd.name} is not supported` });
    if (!spec.states.includes(this.state.kind)) {
      const why = this.state.kind === 'notAuthenticated' ? 'Log in first' : this.state.kind === 'authenticated' ? 'Select a mailbox first' : 'Already logged in';
      return this.finishCommand(cmd.tag, { status: 'BAD', text: `${cmd.name} is not valid now: ${why}` });
    }
    this.current = { uid: cmd.uid, expungeAllowed: spec.expungeAllowed || cmd.uid };
    let result: TaggedResult;
    try {
      result = await (spec.run as (s: ImapSession, c: ImapCommand) => Promise<TaggedResult>)(this, cmd);
    } catch (err) {
      result = this.failure(err, cmd.name);
    }
    await this.finishCommand(cmd.tag, result);
  }

  /** The reply for an exception thrown by a command. */
  failure(err: unknown, what: string): TaggedResult {
    if (err instanceof CommandError) return err.result;
    const mapped = mailErrorResult(err, `${what} failed`);
    if (mapped) return mapped;
    this.log.error({ err }, `imap ${what} failed`);
    return { status: 'NO', code: 'SERVERBUG', text: `${what} failed: internal error` };
  }

  /** Untagged updates, the tagged reply, then what must follow it (TLS, BYE). */
  async finishCommand(tag: string, result: TaggedResult): Promise<void> {
    if (this.isClosed) return;
    if (this.state.kind === 'selected' && !this.logoutRequested) {
      try {
        await this.syncMailbox();
      } catch (err) {
        this.log.warn({ err }, 'imap mailbox sync failed');
        if (isMailError(err, 'Corrupt')) {
          // The mailbox was recreated under us (UIDVALIDITY changed): the client must reconnect.
          this.write(untaggedStatus('BYE', 'The selected mailbox changed beyond repair; please reconnect'));
          this.conn.close();
          return;
        }
      }
    }
    this.view?.endCommand();
    this.current = { uid: false, expungeAllowed: true };
    this.reply(tag, result);
    if (result.status === 'BAD') {
      if (this.countBad()) return;
    } else {
      this.badCommands = 0;
    }
    const after = this.afterReply;
    this.afterReply = null;
    if (after) await after();
    if (this.shutdownPending) {
      this.write(untaggedStatus('BYE', 'Server shutting down'));
      this.conn.close();
    }
    if (this.logoutRequested) this.conn.close();
  }

  private async finish(): Promise<void> {
    const s = this.state;
    if (s.kind === 'selected') await this.leaveSelected();
    const t = this.state;
    if (t.kind === 'authenticated') await t.store.close().catch(() => undefined);
    this.conn.close();
  }
}
