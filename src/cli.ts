// The `inboxd` command line: subcommands, options, help text and exit codes.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { ConfigError, ExitCode, StartupError } from './errors.js';

export const HELP = `inboxd — POP3 and IMAP4rev1 server for mbox and Maildir

Usage:
  inboxd [serve] [--config FILE]      start the server (the default subcommand)
  inboxd check-config [--config FILE] validate a config file and print the effective config
  inboxd hash-password [--scheme S]   read a password on stdin, print {SCHEME}hash for the passwd-file
                                      S is SHA512-CRYPT (default), BLF-CRYPT or ARGON2ID
  inboxd gen-cert [--out DIR] [--host NAME ...]
                                      write a self-signed certificate (inboxd.crt, inboxd.key mode 0600)
                                      for NAME(s), localhost, 127.0.0.1 and ::1 into DIR (default ./certs)
  inboxd --help | --version

Config file: --config FILE, else the INBOXD_CONFIG environment variable. With neither, "serve"
runs the built-in default: users demo/demo (Maildir) and mdemo/mdemo (mbox), data in ./var, a
certificate generated into ./certs, POP3 1110, POP3S 1995, IMAP 1143, IMAPS 1993 on 127.0.0.1.
Every setting is documented in contrib/inboxd.example.toml.

Signals: SIGHUP reloads the TLS certificate and key; SIGTERM/SIGINT shut down gracefully.

Exit codes:
  0  success
  1  invalid configuration (the message names the key path and the reason)
  2  bad command-line usage
  3  startup failed (port in use, unreadable certificate, privilege drop failed)
  4  fatal error while running
`;

/** The version from package.json. */
export function version(): string {
  // src/cli.ts runs from the source tree (tsx) or from dist/src/cli.js (build).
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'inboxd') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}

/** A parsed command line. */
export type Command =
  | { name: 'serve'; config?: string }
  | { name: 'check-config'; config?: string }
  | { name: 'hash-password'; scheme: string }
  | { name: 'gen-cert'; out: string; hosts: string[] }
  | { name: 'help' }
  | { name: 'version' };

export class UsageError extends Error {}

/** Parse argv (without node and script) into a Command; throws UsageError. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        scheme: { type: 'string' },
        out: { type: 'string' },
        host: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  if (values.version) return { name: 'version' };
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
  const sub = positionals[0] ?? 'serve';
  const config = values.config ?? (env.INBOXD_CONFIG || undefined);
  const only = (allowed: string[]): void => {
    for (const key of Object.keys(values)) {
      if (!allowed.includes(key)) throw new UsageError(`--${key} does not apply to "${sub}"`);
    }
  };
  switch (sub) {
    case 'serve':
    case 'check-config':
      only(['config']);
      return { name: sub, config };
    case 'hash-password':
      only(['scheme']);
      return { name: sub, scheme: (values.scheme ?? 'SHA512-CRYPT').toUpperCase() };
    case 'gen-cert':
      only(['out', 'host']);
      return { name: sub, out: values.out ?? 'certs', hosts: values.host ?? [] };
    case 'help':
      return { name: 'help' };
    default:
      throw new UsageError(`unknown subcommand: ${sub}`);
  }
}

/** Map an error to the process exit code and a one-line message for stderr. */
export function describeFailure(err: unknown): { code: number; message: string } {
  if (err instanceof UsageError) return { code: ExitCode.Usage, message: `${err.message}\nTry "inboxd --help".` };
  if (err instanceof ConfigError) return { code: ExitCode.Config, message: `config error: ${err.message}` };
  if (err instanceof StartupError) return { code: ExitCode.Startup, message: `startup failed: ${err.message}` };
  return { code: ExitCode.Runtime, message: `fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` };
}
