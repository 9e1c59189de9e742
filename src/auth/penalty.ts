// Per-client failure penalty, like Dovecot's auth penalty: each consecutive failed login from a
// client (an IPv4 address or an IPv6 /64) doubles the delay before its next attempt is checked:
// 0, 2, 4, 8 … seconds, capped at `maxSeconds`. A success resets the client.
//
// Design: the delay counts from the last failure, so a client that has already waited (a person
// retyping a password) is not delayed again. Entries live in a Map kept in order of last failure,
// which makes it both the expiry queue (oldest first) and the LRU for the `maxEntries` bound.
import { setTimeout as sleepMs } from 'node:timers/promises';
import { penaltyKey } from './ip-group.js';

/** Options of the auth penalty; every limit is a parameter and the clock is injectable. */
export interface PenaltyOptions {
  /** Cap of the delay in seconds (config `auth.penalty_max_seconds`, default 15). 0 disables it. */
  maxSeconds: number;
  /** Forget a client this long after its last failure (default 3600 s). */
  expireSeconds?: number;
  /** Most clients remembered; the least recently failed is forgotten first (default 10000). */
  maxEntries?: number;
  /** Milliseconds clock (default `Date.now`). */
  now?: () => number;
  /** Waits the given milliseconds (default a timer). */
  sleep?: (ms: number) => Promise<void>;
}

interface Entry {
  failures: number;
  lastFailure: number;
}

/** Failure counts per client with the delay they earn. */
export class AuthPenalty {
  private readonly entries = new Map<string, Entry>();
  private readonly maxSeconds: number;
  private readonly expireMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: PenaltyOptions) {
    if (!(options.maxSeconds >= 0)) throw new RangeError('penalty maxSeconds must be >= 0');
    this.maxSeconds = options.maxSeconds;
    this.expireMs = (options.expireSeconds ?? 3600) * 1000;
    this.maxEntries = Math.max(1, options.maxEntries ?? 10000);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => sleepMs(ms).then(() => undefined));
  }

  /** Number of clients currently remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** The penalty level of a client in seconds (0, 2, 4, 8 … max), ignoring time already waited. */
  penaltySeconds(clientIp: string): number {
    const e = this.live(penaltyKey(clientIp));
    if (!e || e.failures === 0) return 0;
    return Math.min(2 ** Math.min(e.failures, 30), this.maxSeconds);
  }

  /** Milliseconds the next attempt of this client must still wait. */
  delayMs(clientIp: string): number {
    const e = this.live(penaltyKey(clientIp));
    if (!e) return 0;
    const full = this.penaltySeconds(clientIp) * 1000;
    return Math.max(0, full - (this.now() - e.lastFailure));
  }

  /** Wait the client's current delay; resolves to the milliseconds waited. */
  async wait(clientIp: string): Promise<number> {
    const ms = this.delayMs(clientIp);
    if (ms > 0) await this.sleep(ms);
    return ms;
  }

  /** Count a failed attempt of this client. */
  failure(clientIp: string): void {
    const key = penaltyKey(clientIp);
    const now = this.now();
    const e = this.live(key);
    this.entries.delete(key);
    this.entries.set(key, { failures: (e?.failures ?? 0) + 1, lastFailure: now });
    this.prune(now);
  }

  /** A successful login: forget the client's failures. */
  success(clientIp: string): void {
    this.entries.delete(penaltyKey(clientIp));
  }

  /** The entry of a key unless it expired (expired ones are dropped). */
  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && this.now() - e.lastFailure >= this.expireMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Drop expired entries from the front, then the oldest ones beyond the bound. */
  private prune(now: number): void {
    for (const [key, e] of this.entries) {
      if (now - e.lastFailure < this.expireMs && this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
