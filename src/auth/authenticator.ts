// The user database behind SASL and USER/PASS/LOGIN: a passwd-file, the password schemes and the
// per-client failure penalty. Unknown users are checked against a real stored hash of the file's
// most common scheme (or a generated SHA512-CRYPT one), so that they cost what a wrong password
// costs and get the same answer.
import { createHmac, randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { PasswdFile, type PasswdUser } from './passwd-file.js';
import { AuthPenalty } from './penalty.js';
import { checkPassword, hashPassword, isCleartextScheme, parseStoredPassword, plainSecretOf, type VerifyResult } from './schemes.js';
import { deriveScramCredentials, parseScramHash } from './scram-keys.js';
import type { AuthBackend, AuthenticatedUser, ScramCredentials, ScramHash } from './types.js';

/** Where the Authenticator finds users (a PasswdFile). */
export interface UserSource {
  lookup(username: string): Promise<PasswdUser | undefined>;
  /** A stored password of the most common scheme, to check unknown users against. */
  readonly decoy: string | undefined;
}

/** Options of the Authenticator. */
export interface AuthenticatorOptions {
  users: UserSource;
  penalty: AuthPenalty;
  logger?: Logger;
  /** Password check (default: schemes.checkPassword); injectable to count calls in tests. */
  check?: (stored: string, password: string) => Promise<VerifyResult>;
  /** PBKDF2 iterations for SCRAM keys derived from cleartext secrets (default 4096). */
  scramIterations?: number;
  /** Key for per-user SCRAM salts derived from the username (default: random per process). */
  scramSaltKey?: Buffer;
  /** Longer passwords fail without hashing (SHA-crypt cost grows with length; default 1024 bytes). */
  maxPasswordBytes?: number;
}

/** Verifies users from a passwd-file, with the failure penalty per client. */
export class Authenticator implements AuthBackend {
  private readonly users: UserSource;
  private readonly penalty: AuthPenalty;
  private readonly logger: Logger;
  private readonly check: (stored: string, password: string) => Promise<VerifyResult>;
  private readonly scramIterations: number;
  private readonly scramSaltKey: Buffer;
  private readonly maxPasswordBytes: number;
  private readonly warnedPlain = new Set<string>();
  private fallbackDecoy: Promise<string> | null = null;

  constructor(options: AuthenticatorOptions) {
    this.users = options.users;
    this.penalty = options.penalty;
    this.logger = options.logger ?? silentLogger();
    this.check = options.check ?? ((stored, password) => checkPassword(stored, password));
    this.scramIterations = options.scramIterations ?? 4096;
    this.scramSaltKey = options.scramSaltKey ?? randomBytes(32);
    this.maxPasswordBytes = options.maxPasswordBytes ?? 1024;
  }

  /**
   * Run one authentication attempt from `clientIp`: wait the client's penalty, run `fn`, and count
   * a null result as a failure and anything else as a success. Errors propagate and count as neither.
   */
  async attempt<T>(clientIp: string, fn: () => Promise<T | null>): Promise<T | null> {
    await this.penalty.wait(clientIp);
    const result = await fn();
    if (result === null) this.penalty.failure(clientIp);
    else this.penalty.success(clientIp);
    return result;
  }

  async verifyPassword(username: string, password: string): Promise<AuthenticatedUser | null> {
    // Refused before any lookup, so the answer says nothing about the user.
    if (Buffer.byteLength(password, 'utf8') > this.maxPasswordBytes) return null;
    const user = await this.users.lookup(username);
    const stored = user && user.password !== '' ? user.password : await this.decoy();
    const result = await this.check(stored, password);
    if (!user || user.password === '') return null;
    if (result.reason) this.logger.warn({ user: username, reason: result.reason }, 'stored password unusable');
    if (!result.ok) return null;
    this.warnIfCleartext(user);
    return toAuthenticatedUser(user);
  }

  async plainSecret(username: string): Promise<{ user: AuthenticatedUser; secret: string } | null> {
    const user = await this.users.lookup(username);
    if (!user) return null;
    const secret = plainSecretOf(user.password);
    if (secret === null) return null;
    this.warnIfCleartext(user);
    return { user: toAuthenticatedUser(user), secret };
  }

  async scramCredentials(username: string, hash: ScramHash): Promise<{ user: AuthenticatedUser; credentials: ScramCredentials } | null> {
    const user = await this.users.lookup(username);
    if (!user || user.password === '') return null;
    const stored = parseStoredPassword(user.password);
    if (stored.scheme === `SCRAM-${hash}` && stored.encoding === null) {
      try {
        return { user: toAuthenticatedUser(user), credentials: parseScramHash(hash, stored.data) };
      } catch (err) {
        this.logger.warn({ user: username, reason: err instanceof Error ? err.message : String(err) }, 'stored SCRAM hash unusable');
        return null;
      }
    }
    const secret = plainSecretOf(user.password);
    if (secret === null) return null;
    this.warnIfCleartext(user);
    const credentials = await deriveScramCredentials(hash, secret, this.scramSalt(username, hash), this.scramIterations);
    return { user: toAuthenticatedUser(user), credentials };
  }

  /** A salt that is stable for a user within this process and reveals nothing about the secret. */
  scramSalt(username: string, hash: ScramHash): Buffer {
    return createHmac('sha256', this.scramSaltKey).update(`${hash}\0${username}`).digest().subarray(0, 16);
  }

  private async decoy(): Promise<string> {
    const fromFile = this.users.decoy;
    if (fromFile !== undefined) return fromFile;
    this.fallbackDecoy ??= hashPassword('SHA512-CRYPT', randomBytes(18).toString('base64'));
    return this.fallbackDecoy;
  }

  private warnIfCleartext(user: PasswdUser): void {
    if (this.warnedPlain.has(user.username)) return;
    if (!isCleartextScheme(parseStoredPassword(user.password).scheme)) return;
    this.warnedPlain.add(user.username);
    this.logger.warn({ user: user.username }, 'password stored in cleartext ({PLAIN}); hash it with `inboxd hash-password`');
  }
}

function toAuthenticatedUser(u: PasswdUser): AuthenticatedUser {
  return {
    username: u.username,
    ...(u.uid !== undefined ? { uid: u.uid } : {}),
    ...(u.gid !== undefined ? { gid: u.gid } : {}),
    home: u.resolvedHome,
    extra: Object.freeze({ ...u.extra }),
  };
}

/** What `openAuthenticator` needs besides the [auth] section. */
export interface OpenAuthenticatorOptions {
  /** Home for users whose passwd-file home field is empty. */
  defaultHome: (username: string) => string;
  logger?: Logger;
  /** Milliseconds clock for the penalty and the passwd-file re-check (default `Date.now`). */
  now?: () => number;
  /** Waits the penalty delay (default a timer). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Load the configured passwd-file and build the Authenticator with the configured penalty cap.
 * Throws ConfigError when no passwd-file is set and StartupError when it cannot be read.
 */
export async function openAuthenticator(config: Config['auth'], options: OpenAuthenticatorOptions): Promise<Authenticator> {
  if (config.passwd_file === '') throw new ConfigError('auth.passwd_file', 'no passwd-file configured');
  const logger = options.logger ?? silentLogger();
  const users = new PasswdFile(config.passwd_file, { defaultHome: options.defaultHome, logger, now: options.now });
  await users.load();
  const penalty = new AuthPenalty({ maxSeconds: config.penalty_max_seconds, now: options.now, sleep: options.sleep });
  return new Authenticator({ users, penalty, logger });
}
