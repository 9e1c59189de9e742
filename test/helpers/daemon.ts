// Start a real inboxd daemon for protocol tests: temp dir, passwd-file, certificate, ports chosen by the OS.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { validateConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startDaemon, type Daemon, type DaemonOptions } from '../../src/daemon.js';
import { generateCertificate } from '../../src/admin/gen-cert.js';
import { silentLogger } from '../../src/log.js';

/** A user line for the test passwd-file. */
export interface TestUser {
  name: string;
  password: string;
  /** A stored form other than {PLAIN}password, e.g. a {SHA512-CRYPT} hash. */
  stored?: string;
  /** userdb_mail override, e.g. `mbox:~/mail:INBOX=~/inbox`. */
  mail?: string;
}

/** A started test daemon. */
export interface TestDaemon {
  readonly dir: string;
  readonly cfg: Config;
  readonly daemon: Daemon;
  port(protocol: 'pop3' | 'imap', tls: boolean): number;
  /** Home directory of a test user. */
  home(user: string): string;
  stop(): Promise<void>;
}

/** Deep-merge plain objects (config overrides). */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** Start a daemon on 127.0.0.1 with every port 0, TLS from a fresh certificate. */
export async function startTestDaemon(
  users: TestUser[] = [{ name: 'alice', password: 'secret' }],
  overrides: Record<string, unknown> = {},
  options: DaemonOptions = {},
): Promise<TestDaemon> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  const certs = await generateCertificate({ outDir: path.join(dir, 'certs'), hosts: ['localhost'] });
  const home = (user: string): string => path.join(dir, 'home', user);
  const lines: string[] = [];
  for (const u of users) {
    await mkdir(home(u.name), { recursive: true });
    const extra = u.mail ? `userdb_mail=${u.mail}` : '';
    lines.push(`${u.name}:${u.stored ?? `{PLAIN}${u.password}`}:${process.getuid?.() ?? 1000}:${process.getgid?.() ?? 1000}::${home(u.name)}::${extra}`);
  }
  await writeFile(path.join(dir, 'passwd'), lines.join('\n') + '\n');
  const base = {
    listen: ['127.0.0.1'],
    data_dir: path.join(dir, 'var'),
    pop3: { port: 0, tls_port: 0 },
    imap: { port: 0, tls_port: 0 },
    tls: { cert: certs.certPath, key: certs.keyPath },
    auth: { passwd_file: path.join(dir, 'passwd'), penalty_max_seconds: 0 },
    log: { level: 'silent' },
  };
  const cfg = validateConfig(merge(base, overrides));
  let daemon: Daemon;
  try {
    daemon = await startDaemon(cfg, silentLogger(), options);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    cfg,
    daemon,
    home,
    port(protocol, tls) {
      const ep = daemon.endpoints.find((e) => e.protocol === protocol && e.implicitTls === tls);
      if (!ep) throw new Error(`no ${protocol} ${tls ? 'TLS ' : ''}listener`);
      return ep.port;
    },
    async stop() {
      await daemon.stop(1000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
