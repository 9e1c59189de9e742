// The daemon as an admin runs it: `inboxd serve --config`, JSON logs, signals, limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { generateCertificate } from '../../src/admin/gen-cert.js';
import { LineClient } from '../helpers/line-client.js';
import { deliverToMaildir } from '../helpers/maildir.js';

interface Running {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  ports: Map<string, number>;
  dir: string;
  waitLog(pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

async function serve(extraToml = ''): Promise<Running> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  const certs = await generateCertificate({ outDir: path.join(dir, 'certs'), hosts: ['localhost'] });
  await mkdir(path.join(dir, 'home', 'carol'), { recursive: true });
  await writeFile(path.join(dir, 'passwd'), `carol:{PLAIN}s3cret-pw::::${path.join(dir, 'home', 'carol')}::\n`);
  await deliverToMaildir(path.join(dir, 'home', 'carol', 'Maildir'), 'Subject: hi\n\nhello\n');
  const config = path.join(dir, 'inboxd.toml');
  await writeFile(
    config,
    [
      'listen = ["127.0.0.1"]',
      'data_dir = "var"',
      '[pop3]\nport = 0\ntls_port = 0',
      '[imap]\nport = 0\ntls_port = 0',
      `[tls]\ncert = "${certs.certPath}"\nkey = "${certs.keyPath}"`,
      '[auth]\npasswd_file = "passwd"\npenalty_max_seconds = 0',
      '[log]\nlevel = "debug"\nformat = "json"',
      extraToml,
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts'), 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
      for (const w of waiters.splice(0)) w();
    }
  });
  const waitLog = async (pred: (l: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs.find(pred);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`log line not seen; logs: ${JSON.stringify(logs).slice(0, 2000)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  const ports = new Map<string, number>();
  const isListen = (l: Record<string, unknown>): boolean => l.msg === 'listening' && 'protocol' in l;
  await waitLog(() => logs.filter(isListen).length === 4);
  for (const l of logs.filter(isListen)) ports.set(`${String(l.protocol)}${l.tls ? 's' : ''}`, Number(l.port));
  return { child, logs, ports, dir, waitLog };
}

async function stop(r: Running): Promise<number | null> {
  if (r.child.exitCode === null) {
    r.child.kill('SIGTERM');
    await new Promise((res) => r.child.once('exit', res));
  }
  await rm(r.dir, { recursive: true, force: true });
  return r.child.exitCode;
}

function fingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.destroy();
    });
    s.on('error', reject);
  });
}

test('logs one line per connection, per login and at logout, with no password', async () => {
  const r = await serve();
  try {
    const c = await LineClient.connect(r.ports.get('pop3')!);
    await c.line();
    await c.send('USER carol');
    assert.match((await c.send('PASS s3cret-pw')) ?? '', /^\+OK/);
    await c.send('RETR 1');
    await c.until('.');
    await c.send('QUIT');
    await c.closed();
    const login = await r.waitLog((l) => l.msg === 'pop3 login');
    assert.equal(login.user, 'carol');
    const close = await r.waitLog((l) => typeof l.pop3 === 'string');
    assert.match(String(close.pop3), /^top=0\/0, retr=1\/\d+, del=0\/1, size=\d+$/);
    const sessionLines = r.logs.filter((l) => l.ip === '127.0.0.1' && l.protocol === 'pop3');
    assert.ok(sessionLines.length >= 3, 'connection, login and logout lines carry client IP and protocol');
    assert.equal(new Set(sessionLines.map((l) => l.session)).size, 1, 'one session id for the whole connection');
    assert.equal(typeof sessionLines[0].session, 'string');
    assert.equal(sessionLines[0].tls, false);
    assert.ok(!JSON.stringify(r.logs).includes('s3cret-pw'), 'the password appears in the logs');
  } finally {
    await stop(r);
  }
});

test('SIGHUP reloads the certificate for new connections without dropping sessions', async () => {
  const r = await serve();
  try {
    const before = await fingerprint(r.ports.get('pop3s')!);
    const session = await LineClient.connect(r.ports.get('pop3s')!, { tls: true });
    assert.match((await session.line()) ?? '', /^\+OK/);
    await generateCertificate({ outDir: path.join(r.dir, 'certs'), hosts: ['localhost'] });
    r.child.kill('SIGHUP');
    await r.waitLog((l) => l.msg === 'TLS certificate reloaded');
    const after = await fingerprint(r.ports.get('pop3s')!);
    assert.notEqual(after, before);
    assert.match((await session.send('CAPA')) ?? '', /^\+OK/);
    await session.until('.');
    await session.send('QUIT');
  } finally {
    await stop(r);
  }
});

test('SIGTERM stops accepting, says goodbye to open sessions and exits 0', async () => {
  const r = await serve();
  const c = await LineClient.connect(r.ports.get('pop3')!);
  await c.line();
  r.child.kill('SIGTERM');
  assert.match((await c.line()) ?? '', /^-ERR \[SYS\/TEMP\] Server shutting down/);
  await c.closed();
  const code = await new Promise<number | null>((res) => r.child.once('exit', (c2) => res(c2)));
  assert.equal(code, 0);
  await rm(r.dir, { recursive: true, force: true });
});

test('connections over the per-IP limit are refused with a clear reason', async () => {
  const r = await serve('[limits]\nmax_connections_per_ip = 2');
  try {
    const a = await LineClient.connect(r.ports.get('pop3')!);
    const b = await LineClient.connect(r.ports.get('imap')!);
    assert.match((await a.line()) ?? '', /^\+OK/);
    assert.match((await b.line()) ?? '', /^\* OK/);
    const c = await LineClient.connect(r.ports.get('pop3')!);
    assert.equal(await c.line(), '-ERR [SYS/TEMP] Too many connections from your IP address');
    await c.closed();
    a.close();
    await new Promise((res) => setTimeout(res, 300));
    const d = await LineClient.connect(r.ports.get('pop3')!);
    assert.match((await d.line()) ?? '', /^\+OK/);
    d.close();
    b.close();
  } finally {
    await stop(r);
  }
});

test('a certificate that does not match its key is a startup error (exit 3)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    const one = await generateCertificate({ outDir: path.join(dir, 'one'), hosts: [] });
    const two = await generateCertificate({ outDir: path.join(dir, 'two'), hosts: [] });
    await writeFile(path.join(dir, 'passwd'), '');
    const config = path.join(dir, 'inboxd.toml');
    await writeFile(config, `[pop3]\nport = 0\ntls_port = 0\n[imap]\nport = 0\ntls_port = 0\n[tls]\ncert = "${one.certPath}"\nkey = "${two.keyPath}"\n[auth]\npasswd_file = "passwd"\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts'), 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    assert.equal(code, 3, stderr);
    assert.match(stderr, /startup failed: .*key/i);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
