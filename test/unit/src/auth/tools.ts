// Helpers for the auth tests: run the real reference implementations (doveadm, mkpasswd).
// doveadm runs with `-c /dev/null` so the machine's Dovecot configuration cannot change results.
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../../src/log.js';

/** Run a reference tool; fails the test with a clear message when the tool is missing. */
export function runTool(cmd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${cmd} is not installed (Debian: ${cmd === 'doveadm' ? 'dovecot-core' : 'whois'}); the auth tests need it`
        : `${cmd} failed to start: ${r.error.message}`,
    );
  }
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `doveadm -c /dev/null pw -s SCHEME -p PASSWORD [-r ROUNDS]`: a reference `{SCHEME}hash`. */
export function doveadmHash(scheme: string, password: string, rounds?: number): string {
  const args = ['-c', '/dev/null', 'pw', '-s', scheme, '-p', password];
  if (rounds !== undefined) args.push('-r', String(rounds));
  const r = runTool('doveadm', args);
  if (r.status !== 0) throw new Error(`doveadm pw -s ${scheme} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** `doveadm pw -t HASH -p PASSWORD`: true when Dovecot accepts the password for the hash. */
export function doveadmAccepts(hash: string, password: string): boolean {
  const r = runTool('doveadm', ['-c', '/dev/null', 'pw', '-t', hash, '-p', password]);
  if (r.status === 0 && r.stdout.includes('(verified)')) return true;
  if (r.status !== 0 && /mismatch/i.test(r.stderr)) return false;
  throw new Error(`doveadm pw -t gave an unexpected answer (status ${r.status}): ${r.stdout} ${r.stderr}`);
}

/** `mkpasswd -m METHOD [-R ROUNDS] PASSWORD`: a reference crypt(3) string from libxcrypt. */
export function mkpasswd(method: string, password: string, rounds?: number): string {
  const args = ['-m', method];
  if (rounds !== undefined) args.push('-R', String(rounds));
  args.push('--stdin');
  const r = spawnSync('mkpasswd', args, { encoding: 'utf8', input: password });
  if (r.error) throw new Error(`mkpasswd is not installed (Debian: whois); the auth tests need it`);
  if (r.status !== 0) throw new Error(`mkpasswd -m ${method} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A project logger that keeps its JSON lines, to check what was reported. */
export function memoryLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return {
    logger: createLogger({ level: 'debug', format: 'json' }, sink),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
