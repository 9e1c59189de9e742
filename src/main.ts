#!/usr/bin/env node
// inboxd entry point: parse the command line and run a subcommand.
import { stringify as toToml } from 'smol-toml';
import { describeFailure, HELP, parseCommandLine, version } from './cli.js';
import { loadConfigFile } from './config/load.js';
import { ExitCode } from './errors.js';
import { hashPassword } from './auth/schemes.js';
import { generateCertificate } from './admin/gen-cert.js';
import { runServe } from './serve.js';

async function main(): Promise<number> {
  const cmd = parseCommandLine(process.argv.slice(2), process.env);
  switch (cmd.name) {
    case 'help':
      process.stdout.write(HELP);
      return ExitCode.Ok;
    case 'version':
      process.stdout.write(`inboxd ${version()}\n`);
      return ExitCode.Ok;
    case 'check-config': {
      if (!cmd.config) {
        process.stderr.write('check-config needs --config FILE (or INBOXD_CONFIG)\n');
        return ExitCode.Usage;
      }
      const cfg = await loadConfigFile(cmd.config);
      process.stdout.write(`# ${cmd.config}: valid. Effective configuration:\n${toToml(cfg)}\n`);
      return ExitCode.Ok;
    }
    case 'hash-password': {
      const password = await readPassword();
      if (password === '') {
        process.stderr.write('no password given on stdin\n');
        return ExitCode.Usage;
      }
      process.stdout.write(`${await hashPassword(cmd.scheme, password)}\n`);
      return ExitCode.Ok;
    }
    case 'gen-cert': {
      const files = await generateCertificate({ outDir: cmd.out, hosts: cmd.hosts });
      process.stdout.write(`certificate: ${files.certPath}\nkey:         ${files.keyPath} (mode 0600)\n`);
      return ExitCode.Ok;
    }
    case 'serve':
      return runServe(cmd.config);
  }
}

/** The password is the first line of stdin (a terminal echoes it; pipe it in scripts). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && chunk.includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

main().then(
  (code) => {
    if (code !== ExitCode.Ok) process.exitCode = code;
  },
  (err: unknown) => {
    const { code, message } = describeFailure(err);
    process.stderr.write(`inboxd: ${message}\n`);
    process.exitCode = code;
  },
);
