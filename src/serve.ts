// `inboxd serve`: load the configuration (or the built-in default), start the daemon, handle signals.
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadConfigFile } from './config/load.js';
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './log.js';
import { builtInConfig, prepareDemoData } from './demo.js';
import { generateCertificate } from './admin/gen-cert.js';
import { startDaemon, type Daemon } from './daemon.js';
import { ExitCode } from './errors.js';
import { dropPrivileges } from './net/privileges.js';

/** Run the server until SIGTERM/SIGINT; resolves with the exit code. */
export async function runServe(configFile: string | undefined): Promise<number> {
  const demo = configFile === undefined;
  const cfg = demo ? builtInConfig(process.cwd()) : await loadConfigFile(configFile);
  const log = createLogger(cfg.log);
  await mkdir(cfg.data_dir, { recursive: true, mode: 0o750 });
  if (demo) {
    await prepareDemoData(cfg);
    await ensureDevCertificate(cfg, log);
  }
  const daemon = await startDaemon(cfg, log);
  // Ports below 1024 are bound: give up root now (the certificate key was already read).
  let plan;
  try {
    plan = dropPrivileges(cfg.user, cfg.group);
  } catch (err) {
    await daemon.stop(0);
    throw err;
  }
  if (plan.kind !== 'none') log.info({ user: cfg.user, group: cfg.group }, 'dropped privileges');
  for (const ep of daemon.endpoints) {
    log.info({ protocol: ep.protocol, address: ep.address, port: ep.port, tls: ep.implicitTls }, 'listening');
  }
  if (daemon.policyPort !== null) log.info({ port: daemon.policyPort }, 'POP-before-SMTP policy server listening');
  if (demo) process.stderr.write(demoBanner(daemon));
  return waitForSignals(daemon, log);
}

async function ensureDevCertificate(cfg: Config, log: Logger): Promise<void> {
  try {
    await access(cfg.tls.cert);
    await access(cfg.tls.key);
  } catch {
    const files = await generateCertificate({ outDir: path.dirname(cfg.tls.cert), hosts: ['localhost'] });
    log.info({ cert: files.certPath, key: files.keyPath }, 'generated a self-signed development certificate');
  }
}

function demoBanner(daemon: Daemon): string {
  const at = (protocol: string, tls: boolean): string => {
    const ep = daemon.endpoints.find((e) => e.protocol === protocol && e.implicitTls === tls);
    return ep ? `${ep.address}:${ep.port}` : '(off)';
  };
  return [
    '',
    'inboxd is running on its built-in default (no config file given).',
    `  POP3  ${at('pop3', false)}   POP3S ${at('pop3', true)}   IMAP  ${at('imap', false)}   IMAPS ${at('imap', true)}`,
    '  users: demo / demo (Maildir), mdemo / mdemo (mbox); data in ./var, certificate in ./certs',
    `  try:   curl -k --user demo:demo pop3s://${at('pop3', true)}/1`,
    '  stop:  Ctrl-C',
    '',
  ].join('\n');
}

function waitForSignals(daemon: Daemon, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      daemon.stop().then(
        () => {
          log.info('stopped');
          resolve(ExitCode.Ok);
        },
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          resolve(ExitCode.Runtime);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => {
      const result = daemon.reloadTls();
      if (result === null) log.info('SIGHUP: TLS is not configured, nothing to reload');
      else if (result.ok) log.info({ fingerprint: result.certificate.fingerprint256, validTo: result.certificate.validTo }, 'TLS certificate reloaded');
      else log.error({ err: result.error.message }, 'TLS reload failed; keeping the previous certificate');
    });
  });
}
