// Shared helpers for the src/net tests: temp dirs, certificates, and a line-reading TCP/TLS client.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { classifyHosts, generateCertificate, type GeneratedCertificate } from '../../../../src/admin/gen-cert.js';

/** Run `fn` with a fresh temp dir that is removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A newly generated certificate (own RSA key) for mail.example.org, localhost, 127.0.0.1 in `dir`. */
export function freshCert(dir: string, hosts: string[] = ['mail.example.org']): Promise<GeneratedCertificate> {
  return generateCertificate({ outDir: dir, hosts });
}

const cached = new Map<string, Promise<{ cert: string; key: string }>>();

/**
 * The same as freshCert, but generated once per test process per host list and copied into
 * `dir` (RSA key generation costs up to a second on a busy machine). Use freshCert when a test
 * needs two different certificates.
 */
export async function makeCert(dir: string, hosts: string[] = ['mail.example.org']): Promise<GeneratedCertificate> {
  const cacheKey = hosts.join(',');
  let pems = cached.get(cacheKey);
  if (pems === undefined) {
    pems = withTempDir(async (tmp) => {
      const g = await generateCertificate({ outDir: tmp, hosts });
      return { cert: await readFile(g.certPath, 'utf8'), key: await readFile(g.keyPath, 'utf8') };
    });
    cached.set(cacheKey, pems);
  }
  const { cert, key } = await pems;
  await mkdir(dir, { recursive: true });
  const certPath = path.join(dir, 'inboxd.crt');
  const keyPath = path.join(dir, 'inboxd.key');
  await writeFile(keyPath, key, { mode: 0o600 });
  await writeFile(certPath, cert, { mode: 0o644 });
  const { dnsNames, ipAddresses } = classifyHosts(hosts);
  return { certPath, keyPath, dnsNames, ipAddresses };
}

/** A client socket that collects everything it receives and can wait for text or for close. */
export class TestClient {
  received = '';
  closed = false;
  error: Error | null = null;
  private waiters: Array<() => void> = [];

  constructor(public socket: Duplex) {
    this.attach(socket);
  }

  private attach(socket: Duplex): void {
    socket.on('data', (d: Buffer) => {
      this.received += d.toString('latin1');
      this.wake();
    });
    socket.on('error', (err: Error) => {
      this.error = err;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Wait until `predicate` holds; fails with what was received if the socket closes first. */
  async until(predicate: () => boolean, what: string): Promise<void> {
    while (!predicate()) {
      if (this.closed) throw new Error(`connection closed while waiting for ${what}; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Wait for `text` to appear in the received data, then return and consume everything up to it. */
  async expect(text: string): Promise<string> {
    await this.until(() => this.received.includes(text), JSON.stringify(text));
    const end = this.received.indexOf(text) + text.length;
    const got = this.received.slice(0, end);
    this.received = this.received.slice(end);
    return got;
  }

  /** Wait until the server closes the connection; returns what was received. */
  async closedByServer(): Promise<string> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.received;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Switch to TLS over the same TCP connection (client side of STARTTLS). */
  async startTls(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ ...options, socket: plain as net.Socket });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return secure;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Open a plain TCP client to 127.0.0.1:port. */
export async function connectPlain(port: number, host = '127.0.0.1'): Promise<TestClient> {
  const socket = net.connect({ port, host });
  const client = new TestClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return client;
}

/** Open a TLS client; resolves after the handshake. */
export async function connectTls(port: number, options: tls.ConnectionOptions = {}): Promise<{ client: TestClient; socket: tls.TLSSocket }> {
  const socket = tls.connect({ port, host: '127.0.0.1', ...options });
  const client = new TestClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  return { client, socket };
}

/** Resolve on the next 'close' of an emitter, or at once if it already closed. */
export function onceClosed(socket: net.Socket | tls.TLSSocket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
