import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const main = path.resolve('src/main.ts');

function inboxd(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, INBOXD_CONFIG: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('--help documents every subcommand and the exit codes', () => {
  const r = inboxd(['--help']);
  assert.equal(r.code, 0);
  for (const word of ['serve', 'check-config', 'hash-password', 'gen-cert', 'INBOXD_CONFIG', 'Exit codes']) assert.match(r.stdout, new RegExp(word));
});

test('--version prints the package version', () => {
  const r = inboxd(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^inboxd \d+\.\d+\.\d+\n$/);
});

test('an unknown subcommand or option is a usage error (exit 2)', () => {
  assert.equal(inboxd(['frobnicate']).code, 2);
  const r = inboxd(['serve', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bogus/);
});

test('check-config accepts the example config and prints the effective config', () => {
  const r = inboxd(['check-config', '--config', 'contrib/inboxd.example.toml']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /valid/);
  assert.match(r.stdout, /\[limits\]\nmax_connections = 5000/);
});

test('check-config names the offending key path and exits 1', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'bad.toml');
    await writeFile(file, '[limits]\nmax_connections_per_ip = "lots"\n');
    const r = inboxd(['check-config', '--config', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /config error: limits\.max_connections_per_ip: /);
  });
});

test('INBOXD_CONFIG names the config file when --config is absent', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'typo.toml');
    await writeFile(file, '[pop3]\nprot = 110\n');
    const r = inboxd(['check-config'], undefined, { INBOXD_CONFIG: file });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pop3\.prot: unknown setting/);
  });
});

test('serve with a missing config file fails with exit 1', () => {
  const r = inboxd(['serve', '--config', '/nonexistent/inboxd.toml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read config file/);
});

test('hash-password output is accepted by doveadm pw -t', () => {
  for (const scheme of ['SHA512-CRYPT', 'BLF-CRYPT', 'ARGON2ID']) {
    const r = inboxd(['hash-password', '--scheme', scheme], 'correct horse\n');
    assert.equal(r.code, 0, r.stderr);
    const hash = r.stdout.trim();
    assert.ok(hash.startsWith(`{${scheme}}`), hash);
    const check = spawnSync('doveadm', ['pw', '-t', hash, '-p', 'correct horse'], { encoding: 'utf8' });
    assert.equal(check.status, 0, `doveadm rejected ${hash}: ${check.stderr}`);
    assert.match(check.stdout + check.stderr, /verified/);
  }
});

test('gen-cert writes a certificate and a key readable only by its owner', async () => {
  await withTempDir(async (dir) => {
    const r = inboxd(['gen-cert', '--out', dir, '--host', 'mail.example.org']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await stat(path.join(dir, 'inboxd.key'))).mode & 0o777, 0o600);
    const text = spawnSync('openssl', ['x509', '-in', path.join(dir, 'inboxd.crt'), '-noout', '-text'], { encoding: 'utf8' }).stdout;
    assert.match(text, /DNS:mail\.example\.org/);
    assert.match(text, /IP Address:127\.0\.0\.1/);
  });
});
