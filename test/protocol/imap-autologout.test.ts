// Autologout (RFC 3501 §5.4) with a manual clock: a real ConnectionServer and IMAP session on a
// real socket, whose idle timers the test fires by hand. IDLE suspends the timer; DONE re-arms it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Authenticator } from '../../src/auth/authenticator.js';
import { PasswdFile } from '../../src/auth/passwd-file.js';
import { AuthPenalty } from '../../src/auth/penalty.js';
import { validateConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log.js';
import type { IdleTimers } from '../../src/net/connection.js';
import { ConnectionServer, defaultRefusalLine } from '../../src/net/server.js';
import { openUserStore } from '../../src/user-store.js';
import { ImapServerSession } from '../../protocols/imap/session.js';
import type { ImapDeps } from '../../protocols/imap/deps.js';
import { LineClient } from '../helpers/line-client.js';

/** Timers that only fire when the test says so. */
class ManualTimers implements IdleTimers {
  private next = 1;
  readonly live = new Map<number, { cb: () => void; ms: number }>();
  setTimeout(cb: () => void, ms: number): unknown {
    const id = this.next++;
    this.live.set(id, { cb, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.live.delete(handle as number);
  }
  /** The delays of the armed timers. */
  delays(): number[] {
    return [...this.live.values()].map((t) => t.ms);
  }
  fireAll(): void {
    const all = [...this.live.values()];
    this.live.clear();
    for (const t of all) t.cb();
  }
}

let dir: string;
let server: ConnectionServer;
let port: number;
const clock = new ManualTimers();

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  const home = path.join(dir, 'alice');
  await mkdir(home, { recursive: true });
  await writeFile(path.join(dir, 'passwd'), `alice:{PLAIN}secret:${process.getuid?.() ?? 1000}:${process.getgid?.() ?? 1000}::${home}::\n`);
  const cfg = validateConfig({ data_dir: path.join(dir, 'var'), auth: { passwd_file: path.join(dir, 'passwd'), penalty_max_seconds: 0 }, log: { level: 'silent' } });
  const log = silentLogger();
  const passwd = new PasswdFile(cfg.auth.passwd_file, { defaultHome: () => home, logger: log });
  await passwd.load();
  const auth = new Authenticator({ users: passwd, penalty: new AuthPenalty({ maxSeconds: 0 }), logger: log });
  const deps: ImapDeps = {
    settings: cfg.imap,
    limits: cfg.limits,
    maxSaslResponseBytes: cfg.auth.max_sasl_response_bytes,
    auth,
    mechanisms: cfg.auth.mechanisms,
    cleartext: cfg.auth.allow_cleartext_without_tls,
    tlsAvailable: false,
    hostname: 'localhost',
    openStore: (user) => openUserStore(user, cfg, log),
  };
  server = new ConnectionServer({
    endpoints: [{ host: '127.0.0.1', port: 0, implicitTls: false, protocol: 'imap' }],
    onConnection: (conn) => void new ImapServerSession(conn, deps).run(),
    refusalLine: defaultRefusalLine,
    log,
    maxConnections: 10,
    maxConnectionsPerIp: 10,
    proxyHeaderTimeoutMs: 1000,
    idleTimers: clock,
  });
  port = (await server.listen())[0].port;
});

after(async () => {
  await server.close(100);
  await rm(dir, { recursive: true, force: true });
});

async function reply(c: LineClient, tag: string): Promise<string> {
  for (;;) {
    const l = await c.line();
    if (l === null) throw new Error('closed');
    if (l.startsWith(`${tag} `)) return l;
  }
}

test('an idle session is logged out after autologout_seconds (1800 by default) with BYE', async () => {
  const c = await LineClient.connect(port);
  assert.match((await c.line()) ?? '', /^\* OK /);
  c.write('a1 LOGIN alice secret\r\n');
  assert.match(await reply(c, 'a1'), /^a1 OK /);
  assert.deepEqual(clock.delays(), [1_800_000]);
  clock.fireAll();
  assert.match((await c.line()) ?? '', /^\* BYE Autologout/);
  await c.closed();
});

test('IDLE suspends the autologout timer and DONE re-arms it', async () => {
  const c = await LineClient.connect(port);
  await c.line();
  c.write('a1 LOGIN alice secret\r\n');
  await reply(c, 'a1');
  c.write('a2 SELECT INBOX\r\n');
  await reply(c, 'a2');
  c.write('a3 IDLE\r\n');
  assert.equal(await c.line(), '+ idling');
  assert.deepEqual(clock.delays(), [], 'no autologout while idling');
  c.write('DONE\r\n');
  assert.match(await reply(c, 'a3'), /^a3 OK /);
  assert.deepEqual(clock.delays(), [1_800_000]);
  c.write('a4 LOGOUT\r\n');
  assert.match(await reply(c, 'a4'), /OK/);
  await c.closed();
});
