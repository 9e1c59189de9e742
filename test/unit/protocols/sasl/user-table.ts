// Test double for the user database only: a fixed table of users with cleartext secrets, SCRAM
// keys derived from them here per RFC 5802 §3 (independently of src/auth), fixed salts per hash.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import type { AuthBackend, AuthenticatedUser, ScramCredentials, ScramHash } from '../../../../src/auth/types.js';

/** One row of the table. */
export interface TableUser {
  readonly password: string;
  /** False when the secret is stored hashed: no plainSecret (CRAM-MD5 impossible). */
  readonly cleartextStored?: boolean;
  readonly salt?: Partial<Record<ScramHash, string>>;
  readonly iterations?: number;
}

/** Derive StoredKey/ServerKey as RFC 5802 §3 defines them. */
export function deriveScram(hash: ScramHash, password: string, salt: Buffer, iterations: number): ScramCredentials {
  const algo = hash === 'SHA-1' ? 'sha1' : 'sha256';
  const salted = pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, hash === 'SHA-1' ? 20 : 32, algo);
  const clientKey = createHmac(algo, salted).update('Client Key').digest();
  return {
    iterations,
    salt,
    storedKey: createHash(algo).update(clientKey).digest(),
    serverKey: createHmac(algo, salted).update('Server Key').digest(),
  };
}

/** An AuthBackend over a fixed table; the user named `broken` makes every lookup throw. */
export class UserTable implements AuthBackend {
  readonly calls: string[] = [];
  private readonly cache = new Map<string, ScramCredentials>();

  constructor(private readonly users: Readonly<Record<string, TableUser>>) {}

  private user(name: string): AuthenticatedUser {
    return { username: name, home: `/home/${name}`, extra: {} };
  }

  private row(name: string): TableUser | undefined {
    this.calls.push(name);
    if (name === 'broken') throw new Error('database unavailable');
    return Object.prototype.hasOwnProperty.call(this.users, name) ? this.users[name] : undefined;
  }

  async verifyPassword(username: string, password: string): Promise<AuthenticatedUser | null> {
    const row = this.row(username);
    return row && row.password === password ? this.user(username) : null;
  }

  async plainSecret(username: string): Promise<{ user: AuthenticatedUser; secret: string } | null> {
    const row = this.row(username);
    return row && row.cleartextStored !== false ? { user: this.user(username), secret: row.password } : null;
  }

  async scramCredentials(username: string, hash: ScramHash): Promise<{ user: AuthenticatedUser; credentials: ScramCredentials } | null> {
    const row = this.row(username);
    if (!row) return null;
    const key = `${hash}\0${username}`;
    let credentials = this.cache.get(key);
    if (!credentials) {
      const salt = Buffer.from(row.salt?.[hash] ?? 'c2FsdHNhbHRzYWx0c2FsdA==', 'base64');
      credentials = deriveScram(hash, row.password, salt, row.iterations ?? 4096);
      this.cache.set(key, credentials);
    }
    return { user: this.user(username), credentials };
  }
}

/** The table most tests use: the RFCs' example users and a few edge cases. */
export function exampleUsers(): UserTable {
  return new UserTable({
    // RFC 5802 §5 and RFC 7677 §3
    user: { password: 'pencil', salt: { 'SHA-1': 'QSXCR+Q6sek8bf92', 'SHA-256': 'W22ZaJ0SNY7soEsUEjb6gQ==' } },
    // RFC 2195 §2
    tim: { password: 'tanstaaftanstaaf' },
    'alice@example.org': { password: 'wönder länd', iterations: 1000 },
    'a,b=c': { password: 'commas' },
    hashed: { password: 'secret', cleartextStored: false },
  });
}

/** The AuthContext tests pass to createMechanism. */
export const testContext = { clientIp: '127.0.0.1', secure: false, protocol: 'imap', sessionId: 'test' } as const;
