// A small pool of worker threads for synchronous crypt(3) work (SHA-crypt ~20 ms, bcrypt 5-100+ ms
// in pure JS), so that password checks never block the event loop. Workers start lazily, are
// unref'd while idle (they never keep the process alive) and are replaced if one dies.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CryptKind } from './crypt-sync.js';

/** A job sent to a crypt worker. */
export type CryptRequest =
  | { id: number; op: 'verify'; hash: string; password: string }
  | { id: number; op: 'hash'; kind: CryptKind; password: string; rounds?: number };

/** A crypt worker's answer to one job. */
export type CryptReply = { id: number; ok: true; value: string | boolean } | { id: number; ok: false; error: string };

/** A failure of the pool itself (closed, worker died, overloaded), as opposed to bad hash data. */
export class CryptPoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptPoolError';
  }
}

/** Thrown when more jobs are waiting than `maxQueue` allows (an overload, not a wrong password). */
export class CryptBusyError extends CryptPoolError {
  constructor() {
    super('password verification queue is full');
    this.name = 'CryptBusyError';
  }
}

/** Options of a crypt worker pool. */
export interface CryptPoolOptions {
  /** Number of worker threads (default: CPUs - 1, at least 1, at most 4). */
  size?: number;
  /** Jobs allowed to wait for a free worker before new ones are refused (default 1000). */
  maxQueue?: number;
  /** Starts one worker (default: the crypt-worker module); replaceable to test worker failures. */
  createWorker?: () => Worker;
}

type Job = { req: CryptRequest; resolve: (v: string | boolean) => void; reject: (e: Error) => void };

interface Slot {
  worker: Worker;
  job: Job | null;
}

/** Start a crypt worker thread. */
export function createCryptWorker(): Worker {
  // Under tsx (tests, `npm start`) this module is a .ts file; a worker does not inherit tsx's
  // loader hooks, so a tiny bootstrap registers them before importing the .ts entry.
  const isTs = import.meta.url.endsWith('.ts');
  const entry = new URL(isTs ? './crypt-worker.ts' : './crypt-worker.js', import.meta.url);
  if (!isTs) return new Worker(entry);
  const api = new URL(import.meta.resolve('tsx/esm/api')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true });
}

/** A pool of crypt worker threads. */
export class CryptPool {
  private readonly size: number;
  private readonly maxQueue: number;
  private readonly createWorker: () => Worker;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: CryptPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, os.availableParallelism() - 1));
    this.maxQueue = options.maxQueue ?? 1000;
    this.createWorker = options.createWorker ?? createCryptWorker;
  }

  /** Verify a password against a crypt string (`$1$`, `$5$`, `$6$`, `$2a$`/`$2b$`/`$2y$`). */
  async verify(hash: string, password: string): Promise<boolean> {
    return (await this.run({ id: 0, op: 'verify', hash, password })) === true;
  }

  /** Make a new crypt string of the given kind. */
  async hash(kind: CryptKind, password: string, rounds?: number): Promise<string> {
    return String(await this.run({ id: 0, op: 'hash', kind, password, rounds }));
  }

  /** Stop all workers; pending jobs are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new CryptPoolError('crypt pool closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) slot.job?.reject(new CryptPoolError('crypt pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private run(req: CryptRequest): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new CryptPoolError('crypt pool closed'));
    return new Promise((resolve, reject) => {
      const job: Job = { req: { ...req, id: this.nextId++ }, resolve, reject };
      const slot = this.freeSlot();
      if (slot) this.start(slot, job);
      else if (this.queue.length >= this.maxQueue) reject(new CryptBusyError());
      else this.queue.push(job);
    });
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => s.job === null);
    if (idle || this.slots.length >= this.size) return idle;
    const slot: Slot = { worker: this.createWorker(), job: null };
    slot.worker.unref();
    slot.worker.on('message', (reply: CryptReply) => this.onReply(slot, reply));
    slot.worker.on('error', (err) => this.onDeath(slot, new CryptPoolError(`crypt worker failed: ${err.message}`)));
    slot.worker.on('exit', (code) => this.onDeath(slot, new CryptPoolError(`crypt worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.worker.postMessage(job.req);
  }

  private onReply(slot: Slot, reply: CryptReply): void {
    const job = slot.job;
    if (!job || job.req.id !== reply.id) return;
    slot.job = null;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(new Error(reply.error));
    const next = this.queue.shift();
    if (next) this.start(slot, next);
    else slot.worker.unref();
  }

  private onDeath(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.job?.reject(err);
    slot.job = null;
    if (this.closed) return;
    // Give waiting jobs to a replacement worker.
    const next = this.queue.shift();
    if (next) {
      const fresh = this.freeSlot();
      if (fresh) this.start(fresh, next);
      else this.queue.unshift(next);
    }
  }
}

let shared: CryptPool | null = null;

/** The process-wide crypt pool, created on first use. */
export function sharedCryptPool(): CryptPool {
  shared ??= new CryptPool();
  return shared;
}
