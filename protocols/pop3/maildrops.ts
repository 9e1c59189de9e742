// Which maildrops have a POP3 session open in this process, and when each user last logged in
// (RFC 2449 LOGIN-DELAY). Shared by all POP3 sessions of one daemon.

/** In-process POP3 maildrop registry. */
export class MaildropRegistry {
  private readonly open = new Map<string, number>();
  private readonly lastLogin = new Map<string, number>();

  constructor(
    private readonly allowConcurrent: boolean,
    private readonly loginDelayMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the user must still wait before logging in again, or 0. */
  loginDelayLeft(username: string): number {
    if (this.loginDelayMs <= 0) return 0;
    const last = this.lastLogin.get(username);
    if (last === undefined) return 0;
    return Math.max(0, Math.ceil((last + this.loginDelayMs - this.now()) / 1000));
  }

  /** Claim the maildrop; null when another session holds it (and concurrency is off). */
  acquire(username: string): (() => void) | null {
    const count = this.open.get(username) ?? 0;
    if (count > 0 && !this.allowConcurrent) return null;
    this.open.set(username, count + 1);
    this.lastLogin.set(username, this.now());
    if (this.lastLogin.size > 100_000) this.pruneLogins();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.open.get(username) ?? 1) - 1;
      if (n <= 0) this.open.delete(username);
      else this.open.set(username, n);
    };
  }

  private pruneLogins(): void {
    const cutoff = this.now() - this.loginDelayMs;
    for (const [user, t] of this.lastLogin) if (t < cutoff) this.lastLogin.delete(user);
  }
}
