// Assembling the daemon from its parts: TLS, users, storage, the POP3 and IMAP front-ends, the
// connection server, and POP-before-SMTP. Used by `inboxd serve` and by end-to-end tests.
import os from 'node:os';
import path from 'node:path';
import type { Config } from './config/schema.js';
import type { Logger } from './log.js';
import { Authenticator } from './auth/authenticator.js';
import { PasswdFile } from './auth/passwd-file.js';
import { AuthPenalty } from './auth/penalty.js';
import type { AuthenticatedUser } from './auth/types.js';
import { TlsManager, type TlsReloadResult } from './net/tls.js';
import { ConnectionServer, type BoundEndpoint, type Endpoint } from './net/server.js';
import type { ClientConnection, Protocol } from './net/connection.js';
import { RelayRegistry } from './pop-before-smtp/registry.js';
import { startPolicyServer } from './pop-before-smtp/policy-server.js';
import { RelayMapFile } from './pop-before-smtp/map-file.js';
import { Pop3Session, type Pop3Deps } from '../protocols/pop3/session.js';
import { MaildropRegistry } from '../protocols/pop3/maildrops.js';
import { ImapServerSession } from '../protocols/imap/session.js';
import type { ImapDeps } from '../protocols/imap/deps.js';
import { openUserStore } from './user-store.js';
import type { MailStore } from '../storage/types.js';

/** A running daemon. */
export interface Daemon {
  /** The addresses actually bound (port 0 in the config becomes the chosen port). */
  readonly endpoints: readonly BoundEndpoint[];
  /** Where the POP-before-SMTP policy server listens, when enabled. */
  readonly policyPort: number | null;
  /** Re-read the TLS certificate and key for new connections; null when TLS is off. */
  reloadTls(): TlsReloadResult | null;
  /** Stop accepting, let sessions finish for `graceMs`, then close the rest. */
  stop(graceMs?: number): Promise<void>;
}

/** Injectable parts, for tests. */
export interface DaemonOptions {
  now?: () => number;
  openStore?: (user: AuthenticatedUser) => Promise<MailStore>;
}

/** Start every listener of the configuration. Throws StartupError on bad files or busy ports. */
export async function startDaemon(cfg: Config, log: Logger, options: DaemonOptions = {}): Promise<Daemon> {
  const tls = cfg.tls.cert ? new TlsManager({ certPath: cfg.tls.cert, keyPath: cfg.tls.key, minVersion: cfg.tls.min_version, ciphers: cfg.tls.ciphers }) : undefined;
  if (tls) log.info({ subject: tls.certificate.subject, validTo: tls.certificate.validTo, fingerprint: tls.certificate.fingerprint256 }, 'TLS certificate loaded');

  const passwd = new PasswdFile(cfg.auth.passwd_file, {
    defaultHome: (username) => path.join(cfg.data_dir, 'home', username),
    logger: log.child({ component: 'passwd-file' }),
  });
  await passwd.load();
  const auth = new Authenticator({
    users: passwd,
    penalty: new AuthPenalty({ maxSeconds: cfg.auth.penalty_max_seconds, now: options.now }),
    logger: log.child({ component: 'auth' }),
  });

  const relay = cfg.pop_before_smtp.enabled ? new RelayRegistry(cfg.pop_before_smtp.window_seconds * 1000, options.now) : null;
  const relayMap = relay && cfg.pop_before_smtp.map_file ? new RelayMapFile(cfg.pop_before_smtp.map_file, relay, log) : null;
  const openStore = options.openStore ?? ((user: AuthenticatedUser) => openUserStore(user, cfg, log));

  const pop3Deps: Pop3Deps = {
    settings: cfg.pop3,
    maxLineBytes: cfg.limits.max_line_bytes,
    maxBadCommands: cfg.limits.max_bad_commands,
    maxSaslResponseBytes: cfg.auth.max_sasl_response_bytes,
    auth,
    mechanisms: cfg.auth.mechanisms,
    cleartext: cfg.auth.allow_cleartext_without_tls,
    tlsAvailable: tls !== undefined,
    hostname: os.hostname(),
    maildrops: new MaildropRegistry(cfg.pop3.allow_concurrent_sessions, cfg.pop3.login_delay_seconds * 1000, options.now),
    openStore,
    onLogin: relay
      ? (_user, ip) => {
          relay.remember(ip);
          void relayMap?.refresh();
        }
      : undefined,
  };

  const imapDeps: ImapDeps = {
    settings: cfg.imap,
    limits: cfg.limits,
    maxSaslResponseBytes: cfg.auth.max_sasl_response_bytes,
    auth,
    mechanisms: cfg.auth.mechanisms,
    cleartext: cfg.auth.allow_cleartext_without_tls,
    tlsAvailable: tls !== undefined,
    hostname: os.hostname(),
    openStore,
    onLogin: pop3Deps.onLogin,
    now: options.now,
  };

  const endpoints: Endpoint[] = [];
  for (const host of cfg.listen) {
    if (cfg.pop3.enabled) {
      endpoints.push({ host, port: cfg.pop3.port, implicitTls: false, protocol: 'pop3' });
      if (tls) endpoints.push({ host, port: cfg.pop3.tls_port, implicitTls: true, protocol: 'pop3' });
    }
    if (cfg.imap.enabled) {
      endpoints.push({ host, port: cfg.imap.port, implicitTls: false, protocol: 'imap' });
      if (tls) endpoints.push({ host, port: cfg.imap.tls_port, implicitTls: true, protocol: 'imap' });
    }
  }

  const server = new ConnectionServer({
    endpoints,
    tls,
    log,
    maxConnections: cfg.limits.max_connections,
    maxConnectionsPerIp: cfg.limits.max_connections_per_ip,
    trustedNetworks: cfg.proxy.trusted_networks,
    proxyHeaderTimeoutMs: cfg.limits.proxy_header_timeout_seconds * 1000,
    refusalLine: refusalLine,
    onConnection: (conn: ClientConnection) => {
      if (conn.protocol === 'pop3') void new Pop3Session(conn, pop3Deps).run();
      else void new ImapServerSession(conn, imapDeps).run();
    },
  });
  const bound = await server.listen();

  let policy: Awaited<ReturnType<typeof startPolicyServer>> | null = null;
  let pruneTimer: NodeJS.Timeout | null = null;
  if (relay) {
    policy = await startPolicyServer({ host: cfg.pop_before_smtp.policy_listen, port: cfg.pop_before_smtp.policy_port, registry: relay, log });
    if (relayMap) {
      await relayMap.refresh();
      pruneTimer = setInterval(() => void relayMap.refresh(), 30_000);
      pruneTimer.unref();
    }
  }

  return {
    endpoints: bound,
    policyPort: policy?.address.port ?? null,
    reloadTls: () => (tls ? tls.reload() : null),
    async stop(graceMs = cfg.limits.shutdown_grace_seconds * 1000) {
      if (pruneTimer) clearInterval(pruneTimer);
      await Promise.all([server.close(graceMs), policy?.close()]);
    },
  };
}

function refusalLine(protocol: Protocol, reason: 'global' | 'per-ip'): string {
  const why = reason === 'global' ? 'Too many connections' : 'Too many connections from your IP address';
  return protocol === 'pop3' ? `-ERR [SYS/TEMP] ${why}` : `* BYE [UNAVAILABLE] ${why}`;
}
