import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { StartupError } from '../../../../src/errors.js';
import { silentLogger } from '../../../../src/log.js';
import { TlsManager, serverHandshake, type TlsOptions } from '../../../../src/net/tls.js';
import { connectTls, freshCert, makeCert, withTempDir } from './helpers.js';

/** A hung socket must fail the test, not stall the whole suite. */
const TEST_TIMEOUT_MS = 60_000;

/** A TLS echo server that wraps each accepted socket with the manager's current context. */
async function echoServer(manager: TlsManager): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ pauseOnConnect: true }, (raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    serverHandshake(raw, manager.secureContext, 5000, silentLogger()).then(
      (secure) => secure.on('data', (d: Buffer) => secure.write(`echo:${d.toString()}`)),
      () => undefined,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function opts(certPath: string, keyPath: string, extra: Partial<TlsOptions> = {}): TlsOptions {
  return { certPath, keyPath, minVersion: 'TLSv1.2', ...extra };
}

function run(cmd: string, args: string[], input: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`${cmd} is required for this test`));
        return;
      }
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
    child.stdin?.end(input);
  });
}

test('Node client verifies the generated certificate by host name and by IP address', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    const manager = new TlsManager(opts(cert.certPath, cert.keyPath));
    const server = await echoServer(manager);
    try {
      const ca = await readFile(cert.certPath);
      for (const servername of ['mail.example.org', 'localhost', undefined]) {
        const { client, socket } = await connectTls(server.port, { ca, servername });
        assert.equal(socket.authorized, true);
        assert.equal(socket.getPeerCertificate().fingerprint256, manager.certificate.fingerprint256);
        client.write('hi');
        await client.expect('echo:hi');
        client.destroy();
      }
      await assert.rejects(connectTls(server.port, { ca, servername: 'other.example.org' }), /does not match certificate's altnames/);
    } finally {
      await server.close();
    }
  });
});

test('openssl s_client accepts the SANs it was asked to verify and rejects others', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir, ['mail.example.org', '192.0.2.7']);
    const server = await echoServer(new TlsManager(opts(cert.certPath, cert.keyPath)));
    try {
      const base = ['s_client', '-connect', `127.0.0.1:${server.port}`, '-CAfile', cert.certPath, '-verify_return_error', '-brief'];
      for (const check of [['-verify_ip', '127.0.0.1'], ['-verify_ip', '::1'], ['-verify_hostname', 'mail.example.org'], ['-verify_hostname', 'localhost']]) {
        const ok = await run('openssl', [...base, ...check], 'x');
        assert.equal(ok.code, 0, `${check.join(' ')}: ${ok.out}`);
        assert.match(ok.out, /Verification: OK/);
      }
      const bad = await run('openssl', [...base, '-verify_hostname', 'evil.example.org'], 'x');
      assert.notEqual(bad.code, 0);
      assert.match(bad.out, /hostname mismatch/);
    } finally {
      await server.close();
    }
  });
});

test('a key that belongs to another certificate is a StartupError naming both files', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const a = await makeCert(path.join(dir, 'a'));
    const b = await freshCert(path.join(dir, 'b'));
    assert.throws(
      () => new TlsManager(opts(a.certPath, b.keyPath)),
      (err: unknown) =>
        err instanceof StartupError && err.message.includes(b.keyPath) && err.message.includes(a.certPath) && /does not match/.test(err.message),
    );
  });
});

test('missing, directory, empty-path and garbage files are StartupErrors naming the file', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    const missing = path.join(dir, 'nope.crt');
    const garbage = path.join(dir, 'garbage.pem');
    await writeFile(garbage, 'hello\n');
    const badBlock = path.join(dir, 'bad-block.pem');
    await writeFile(badBlock, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await mkdir(path.join(dir, 'adir'));
    const cases: Array<[TlsOptions, RegExp]> = [
      [opts(missing, cert.keyPath), /^tls\.cert: cannot read certificate file ".*nope\.crt": file does not exist$/],
      [opts(cert.certPath, path.join(dir, 'adir')), /^tls\.key: cannot read private key file ".*adir": is a directory$/],
      [opts('', cert.keyPath), /^tls\.cert: no certificate file configured$/],
      [opts(garbage, cert.keyPath), /^tls\.cert: ".*garbage\.pem" contains no PEM certificate/],
      [opts(badBlock, cert.keyPath), /^tls\.cert: certificate #1 in ".*bad-block\.pem" cannot be parsed/],
      [opts(cert.certPath, garbage), /^tls\.key: ".*garbage\.pem" is not a usable private key/],
      [opts(cert.certPath, cert.certPath), /^tls\.key: .* is not a usable private key/],
      [opts(cert.certPath, cert.keyPath, { ciphers: 'NO-SUCH-CIPHER' }), /^tls\.ciphers: "NO-SUCH-CIPHER": cannot build the TLS context/],
    ];
    for (const [o, re] of cases) {
      assert.throws(() => new TlsManager(o), (err: unknown) => err instanceof StartupError && re.test(err.message), String(re));
    }
  });
});

test('a certificate chain file is accepted and sent to clients', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const leaf = await makeCert(path.join(dir, 'leaf'));
    const other = await freshCert(path.join(dir, 'other'));
    const chainPath = path.join(dir, 'chain.pem');
    await writeFile(chainPath, (await readFile(leaf.certPath, 'utf8')) + (await readFile(other.certPath, 'utf8')));
    const manager = new TlsManager(opts(chainPath, leaf.keyPath));
    assert.equal(manager.certificate.chainLength, 2);
    const server = await echoServer(manager);
    try {
      const { socket } = await connectTls(server.port, { rejectUnauthorized: false });
      const peer = socket.getPeerCertificate(true);
      assert.equal(peer.fingerprint256, manager.certificate.fingerprint256);
      assert.notEqual(peer.issuerCertificate?.fingerprint256, peer.fingerprint256);
      socket.destroy();
    } finally {
      await server.close();
    }
  });
});

test('reload: new handshakes get the new certificate, an open session keeps working', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const first = await makeCert(dir);
    const manager = new TlsManager(opts(first.certPath, first.keyPath));
    const oldPrint = manager.certificate.fingerprint256;
    const server = await echoServer(manager);
    try {
      const before = await connectTls(server.port, { rejectUnauthorized: false });
      before.client.write('one');
      await before.client.expect('echo:one');

      await freshCert(dir); // overwrites inboxd.crt/inboxd.key with a new pair
      const result = manager.reload();
      assert.equal(result.ok, true);
      assert.notEqual(manager.certificate.fingerprint256, oldPrint);

      const after = await connectTls(server.port, { rejectUnauthorized: false });
      assert.equal(after.socket.getPeerCertificate().fingerprint256, manager.certificate.fingerprint256);
      assert.equal(after.socket.getPeerCertificate().serialNumber, manager.certificate.serialNumber);

      before.client.write('two');
      await before.client.expect('echo:two');
      assert.equal(before.socket.getPeerCertificate().fingerprint256, oldPrint);
      before.client.destroy();
      after.client.destroy();
    } finally {
      await server.close();
    }
  });
});

test('a failed reload reports the error and keeps serving the old certificate', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    const manager = new TlsManager(opts(cert.certPath, cert.keyPath));
    const print = manager.certificate.fingerprint256;
    const other = await freshCert(path.join(dir, 'other'));
    await writeFile(cert.keyPath, await readFile(other.keyPath)); // key of another certificate
    const result = manager.reload();
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error.message, /does not match/);
    assert.equal(manager.certificate.fingerprint256, print);
    const server = await echoServer(manager);
    try {
      const { socket } = await connectTls(server.port, { rejectUnauthorized: false });
      assert.equal(socket.getPeerCertificate().fingerprint256, print);
      socket.destroy();
    } finally {
      await server.close();
    }
  });
});

test('min_version TLSv1.2 refuses a client limited to TLS 1.1 and accepts TLS 1.2', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    const server = await echoServer(new TlsManager(opts(cert.certPath, cert.keyPath)));
    try {
      const old = { rejectUnauthorized: false, minVersion: 'TLSv1' as tls.SecureVersion, maxVersion: 'TLSv1.1' as tls.SecureVersion, ciphers: 'DEFAULT@SECLEVEL=0' };
      await assert.rejects(connectTls(server.port, old), (err: NodeJS.ErrnoException) => err.code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
      const { socket } = await connectTls(server.port, { rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
      assert.equal(socket.getProtocol(), 'TLSv1.2');
      socket.destroy();
    } finally {
      await server.close();
    }
  });
});

test('min_version TLSv1.3 refuses a TLS 1.2 client and accepts TLS 1.3', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    const server = await echoServer(new TlsManager(opts(cert.certPath, cert.keyPath, { minVersion: 'TLSv1.3' })));
    try {
      await assert.rejects(connectTls(server.port, { rejectUnauthorized: false, maxVersion: 'TLSv1.2' }), (err: NodeJS.ErrnoException) =>
        err.code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      );
      const { socket } = await connectTls(server.port, { rejectUnauthorized: false });
      assert.equal(socket.getProtocol(), 'TLSv1.3');
      socket.destroy();
    } finally {
      await server.close();
    }
  });
});

test('a handshake that never starts times out and closes the socket', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    const manager = new TlsManager(opts(cert.certPath, cert.keyPath));
    let outcome: Promise<unknown> = Promise.resolve();
    const server = net.createServer((raw) => {
      raw.on('error', () => undefined);
      outcome = serverHandshake(raw, manager.secureContext, 100, silentLogger()).then(() => 'secure', (err: Error) => err.message);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    await new Promise((resolve) => client.once('close', resolve));
    assert.equal(await outcome, 'TLS handshake not finished within 100 ms');
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

test('garbage instead of a ClientHello rejects the handshake without throwing', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    const manager = new TlsManager(opts(cert.certPath, cert.keyPath));
    let outcome: Promise<unknown> = Promise.resolve();
    const server = net.createServer((raw) => {
      raw.on('error', () => undefined);
      outcome = serverHandshake(raw, manager.secureContext, 5000, silentLogger()).then(() => 'secure', (err: Error) => err.message);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write('GET / HTTP/1.0\r\n\r\n');
    await new Promise((resolve) => client.once('close', resolve));
    assert.match(String(await outcome), /wrong version number|http request|packet length/i);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

test('a certificate file the daemon may not read is "permission denied"', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    await chmod(cert.certPath, 0o000);
    if (process.getuid?.() !== 0) {
      assert.throws(() => new TlsManager(opts(cert.certPath, cert.keyPath)), /^StartupError: tls\.cert: cannot read certificate file ".*inboxd\.crt": permission denied$/);
      return;
    }
    // root reads anything: try as nobody in a child process (never change this process's ids).
    const here = path.dirname(fileURLToPath(import.meta.url));
    const modUrl = pathToFileURL(path.resolve(here, '../../../../src/net/tls.ts')).href;
    const script = path.join(dir, 'load.mts');
    await writeFile(
      script,
      `import { TlsManager } from ${JSON.stringify(modUrl)};\n` +
        `process.setgid('nogroup'); process.setuid('nobody');\n` +
        `try { new TlsManager(${JSON.stringify(opts(cert.certPath, cert.keyPath))}); console.log('loaded'); }\n` +
        `catch (e) { console.log(String(e)); }\n`,
    );
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(here, '../../../..') }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim()),
      );
    });
    assert.match(out, /^StartupError: tls\.cert: cannot read certificate file ".*inboxd\.crt": permission denied$/);
  });
});

test('sniCallback lets a tls.Server follow reloads for clients that send SNI', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const first = await freshCert(dir);
    const manager = new TlsManager(opts(first.certPath, first.keyPath));
    const oldPrint = manager.certificate.fingerprint256;
    const server = tls.createServer({ SNICallback: manager.sniCallback, secureContext: manager.secureContext }, (s) => s.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const print = async (): Promise<string> => {
        const { socket } = await connectTls(port, { rejectUnauthorized: false, servername: 'mail.example.org' });
        const fp = socket.getPeerCertificate().fingerprint256;
        socket.destroy();
        return fp;
      };
      assert.equal(await print(), oldPrint);
      await freshCert(dir);
      assert.equal(manager.reload().ok, true);
      assert.notEqual(manager.certificate.fingerprint256, oldPrint);
      assert.equal(await print(), manager.certificate.fingerprint256);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
