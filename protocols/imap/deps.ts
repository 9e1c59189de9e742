// What an IMAP session depends on, shared by all sessions of a daemon (built by src/daemon.ts).
import type { Config } from '../../src/config/schema.js';
import type { AuthBackend, AuthenticatedUser } from '../../src/auth/types.js';
import type { MailStore } from '../../storage/types.js';
import type { MechanismName } from '../sasl/index.js';

/** The user database plus the failure penalty (src/auth's Authenticator fits). */
export interface ImapAuth extends AuthBackend {
  attempt<T>(clientIp: string, fn: () => Promise<T | null>): Promise<T | null>;
}

/** Everything an IMAP session depends on. */
export interface ImapDeps {
  readonly settings: Config['imap'];
  readonly limits: Config['limits'];
  readonly maxSaslResponseBytes: number;
  readonly auth: ImapAuth;
  readonly mechanisms: readonly MechanismName[];
  readonly cleartext: Config['auth']['allow_cleartext_without_tls'];
  readonly tlsAvailable: boolean;
  readonly hostname: string;
  openStore(user: AuthenticatedUser): Promise<MailStore>;
  /** Called after each successful login (POP-before-SMTP). */
  onLogin?(user: AuthenticatedUser, clientIp: string): void;
  /** Clock for tests (ms since the epoch); default Date.now. */
  now?(): number;
}
