import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { classifyHosts, generateCertificate } from '../../../../src/admin/gen-cert.js';

/** A hung socket must fail the test, not stall the whole suite. */
const TEST_TIMEOUT_MS = 60_000;

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function openssl(args: string[], input?: string): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl is required for this test (Debian package openssl)');
    throw err;
  }
}

test('writes inboxd.crt and inboxd.key; the key matches the certificate', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const out = await generateCertificate({ outDir: path.join(dir, 'certs'), hosts: ['mail.example.org'] });
    assert.equal(out.certPath, path.join(dir, 'certs', 'inboxd.crt'));
    assert.equal(out.keyPath, path.join(dir, 'certs', 'inboxd.key'));
    const cert = new X509Certificate(await readFile(out.certPath));
    assert.equal(cert.checkPrivateKey(createPrivateKey(await readFile(out.keyPath))), true);
    assert.equal(cert.subject.split('\n')[0], 'CN=mail.example.org');
    assert.equal(cert.issuer, cert.subject);
  });
});

test('key file is created mode 0600 and the certificate 0644, even over an older world-readable key', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    await writeFile(path.join(dir, 'inboxd.key'), 'old', { mode: 0o644 });
    const umask = process.umask();
    const out = await generateCertificate({ outDir: dir, hosts: [] });
    assert.equal((await stat(out.keyPath)).mode & 0o777, 0o600 & ~umask);
    assert.equal((await stat(out.certPath)).mode & 0o777, 0o644 & ~umask);
    assert.notEqual(await readFile(out.keyPath, 'utf8'), 'old');
  });
});

test('openssl sees RSA-2048, SHA-256, serverAuth and SANs for each host plus the loopback names', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const out = await generateCertificate({ outDir: dir, hosts: ['mail.example.org', 'imap.example.org', '192.0.2.7', '2001:db8::25'] });
    const text = openssl(['x509', '-in', out.certPath, '-noout', '-text']);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /Public-Key: \(2048 bit\)/);
    assert.match(text, /TLS Web Server Authentication/);
    const san = /X509v3 Subject Alternative Name:\s*\n\s*(.+)/.exec(text)?.[1].trim();
    assert.equal(
      san,
      'DNS:mail.example.org, DNS:imap.example.org, DNS:localhost, IP Address:192.0.2.7, IP Address:2001:DB8:0:0:0:0:0:25, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    // openssl's own check of the key/certificate pair.
    const certMod = openssl(['x509', '-in', out.certPath, '-noout', '-modulus']);
    const keyMod = openssl(['rsa', '-in', out.keyPath, '-noout', '-modulus']);
    assert.equal(certMod, keyMod);
  });
});

test('validity runs from the issue time for the requested number of days', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const now = new Date('2030-01-01T00:00:00Z');
    const out = await generateCertificate({ outDir: dir, hosts: [], days: 10, now });
    const cert = new X509Certificate(await readFile(out.certPath));
    assert.equal(new Date(cert.validTo).toISOString(), '2030-01-11T00:00:00.000Z');
    assert.ok(new Date(cert.validFrom) <= now);
  });
});

test('hosts are classified, deduplicated and bracketed IPv6 is accepted', { timeout: TEST_TIMEOUT_MS }, () => {
  assert.deepEqual(classifyHosts(['Mail.Example.org', 'mail.example.org', '[::1]', '10.0.0.1', '*.example.org']), {
    dnsNames: ['mail.example.org', '*.example.org', 'localhost'],
    ipAddresses: ['::1', '10.0.0.1', '127.0.0.1'],
  });
});

test('junk hosts and bad validity are rejected before anything is written', { timeout: TEST_TIMEOUT_MS }, async () => {
  for (const bad of ['', 'exa mple.org', '-bad.example', 'a..b', '*.org', 'fe80::1%eth0', 'x'.repeat(64) + '.org']) {
    assert.throws(() => classifyHosts([bad]), RangeError, bad);
  }
  await withTempDir(async (dir) => {
    await assert.rejects(generateCertificate({ outDir: dir, hosts: [], days: 0 }), /days must be/);
    await assert.rejects(generateCertificate({ outDir: dir, hosts: ['not a host'] }), /neither a DNS name nor an IP/);
    await assert.rejects(stat(path.join(dir, 'inboxd.key')), /ENOENT/);
  });
});
