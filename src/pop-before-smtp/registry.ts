// POP-before-SMTP (RFC 2476 §3.3): the client IPs of recent successful logins, each for a window.
import { normalizeAddress } from '../net/cidr.js';

/**
 * Remembers client IPs of successful POP3/IMAP logins for `windowMs`. Anyone behind the same
 * IP (a NAT) shares the permission during the window: that is the scheme's known risk.
 */
export class RelayRegistry {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record a successful login from `ip`. */
  remember(ip: string): void {
    this.until.set(normalizeAddress(ip), this.now() + this.windowMs);
    this.prune();
  }

  /** Whether `ip` logged in within the window. */
  allows(ip: string): boolean {
    const key = normalizeAddress(ip);
    const t = this.until.get(key);
    if (t === undefined) return false;
    if (t <= this.now()) {
      this.until.delete(key);
      return false;
    }
    return true;
  }

  /** The IPs currently allowed, sorted (for the map file). */
  current(): string[] {
    this.prune();
    return [...this.until.keys()].sort();
  }

  private prune(): void {
    const now = this.now();
    for (const [ip, t] of this.until) if (t <= now) this.until.delete(ip);
  }
}
