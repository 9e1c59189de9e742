import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import { readFile } from 'node:fs/promises';
import { PROXY_V2_SIGNATURE } from '../../../../src/net/proxy-protocol.js';
import { TlsManager } from '../../../../src/net/tls.js';
import { TestClient, makeCert, withTempDir } from './helpers.js';
import { startToy } from './toy-server.js';

/** A hung socket must fail the test, not stall the whole suite. */
const TEST_TIMEOUT_MS = 60_000;

/** Connect and send `header` (and anything after it) as the very first bytes. */
async function connectWith(port: number, first: Buffer | string): Promise<TestClient> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  const client = new TestClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (first.length > 0) socket.write(first);
  return client;
}

function v2Header(command: number, family: number, addr: Buffer, tlvs = Buffer.alloc(0)): Buffer {
  const head = Buffer.from([0x20 | command, (family << 4) | 1, 0, 0]);
  head.writeUInt16BE(addr.length + tlvs.length, 2);
  return Buffer.concat([PROXY_V2_SIGNATURE, head, addr, tlvs]);
}

function v2Inet(src: string, dst: string, sport: number, dport: number): Buffer {
  const b = Buffer.alloc(12);
  Buffer.from(src.split('.').map(Number)).copy(b, 0);
  Buffer.from(dst.split('.').map(Number)).copy(b, 4);
  b.writeUInt16BE(sport, 8);
  b.writeUInt16BE(dport, 10);
  return v2Header(1, 1, b, Buffer.from([0x04, 0x00, 0x03, 0, 0, 0])); // with a NOOP TLV
}

function v2Inet6(srcHex: string, dstHex: string, sport: number, dport: number): Buffer {
  const b = Buffer.alloc(36);
  Buffer.from(srcHex, 'hex').copy(b, 0);
  Buffer.from(dstHex, 'hex').copy(b, 16);
  b.writeUInt16BE(sport, 32);
  b.writeUInt16BE(dport, 34);
  return v2Header(1, 2, b);
}

test('PROXY v1 TCP4 from a trusted peer: the announced source becomes the client address', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ trustedNetworks: ['127.0.0.0/8'] });
  try {
    // Header and the first command in one packet: the command must survive.
    const c = await connectWith(toy.bound[0].port, 'PROXY TCP4 192.0.2.10 198.51.100.1 56324 110\r\nWHO\r\n');
    assert.equal(await c.expect('\r\n'), '+OK hello 192.0.2.10 false\r\n');
    assert.equal(await c.expect('\r\n'), '+OK 192.0.2.10 56324 198.51.100.1 110 false\r\n');
    const connect = toy.logs().find((l) => l.event === 'connect');
    assert.deepEqual([connect?.ip, connect?.proxy], ['192.0.2.10', '127.0.0.1']);
    c.destroy();
  } finally {
    await toy.stop();
  }
});

test('PROXY v1 TCP6 and v2 IPv4/IPv6 headers set the client address', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ trustedNetworks: ['127.0.0.1'] });
  try {
    const cases: Array<[Buffer | string, string]> = [
      ['PROXY TCP6 2001:db8::7 2001:db8::1 4000 143\r\n', '+OK 2001:db8::7 4000 2001:db8::1 143 false\r\n'],
      [v2Inet('203.0.113.5', '198.51.100.2', 5555, 995), '+OK 203.0.113.5 5555 198.51.100.2 995 false\r\n'],
      [
        v2Inet6('20010db8000000000000000000000042', '20010db8000000000000000000000001', 6000, 993),
        '+OK 2001:db8::42 6000 2001:db8::1 993 false\r\n',
      ],
      // An IPv4-mapped source is shown (and counted) as plain IPv4.
      ['PROXY TCP6 ::ffff:192.0.2.99 ::ffff:192.0.2.1 7000 110\r\n', '+OK 192.0.2.99 7000 192.0.2.1 110 false\r\n'],
    ];
    for (const [header, who] of cases) {
      const c = await connectWith(toy.bound[0].port, header);
      await c.expect('\r\n');
      c.write('WHO\r\n');
      assert.equal(await c.expect('\r\n'), who);
      c.destroy();
    }
  } finally {
    await toy.stop();
  }
});

test('PROXY v2 LOCAL and v1 UNKNOWN keep the real peer address', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ trustedNetworks: ['127.0.0.1'] });
  try {
    for (const header of [v2Header(0, 0, Buffer.alloc(0)), 'PROXY UNKNOWN\r\n']) {
      const c = await connectWith(toy.bound[0].port, header);
      assert.equal(await c.expect('\r\n'), '+OK hello 127.0.0.1 false\r\n');
      c.destroy();
    }
  } finally {
    await toy.stop();
  }
});

test('PROXY header before an implicit TLS handshake', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    const manager = new TlsManager({ certPath: cert.certPath, keyPath: cert.keyPath, minVersion: 'TLSv1.2' });
    const toy = await startToy({ tls: manager, trustedNetworks: ['127.0.0.1'], endpoints: [{ host: '127.0.0.1', port: 0, implicitTls: true, protocol: 'imap' }] });
    try {
      const raw = net.connect({ port: toy.bound[0].port, host: '127.0.0.1' });
      await new Promise((resolve) => raw.once('connect', resolve));
      raw.write(v2Inet('192.0.2.44', '192.0.2.1', 1234, 993));
      const secure = tls.connect({ socket: raw, ca: await readFile(cert.certPath), servername: 'localhost' });
      const client = new TestClient(secure);
      assert.equal(await client.expect('\r\n'), '+OK hello 192.0.2.44 true\r\n');
      client.destroy();
    } finally {
      await toy.stop();
    }
  });
});

test('per-IP limit counts the real client address behind the proxy', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ trustedNetworks: ['127.0.0.1'], maxConnectionsPerIp: 2 });
  try {
    const from = (ip: string): string => `PROXY TCP4 ${ip} 192.0.2.1 1000 110\r\n`;
    const a = await connectWith(toy.bound[0].port, from('192.0.2.20'));
    const b = await connectWith(toy.bound[0].port, from('192.0.2.20'));
    await a.expect('\r\n');
    await b.expect('\r\n');
    const other = await connectWith(toy.bound[0].port, from('192.0.2.21'));
    assert.equal(await other.expect('\r\n'), '+OK hello 192.0.2.21 false\r\n');
    const third = await connectWith(toy.bound[0].port, from('192.0.2.20'));
    assert.equal(await third.closedByServer(), '-ERR [SYS/TEMP] Too many connections from your IP\r\n');
    for (const c of [a, b, other]) c.destroy();
  } finally {
    await toy.stop();
  }
});

test('malformed PROXY headers close the connection without a greeting', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ trustedNetworks: ['127.0.0.1'] });
  try {
    const badSig = Buffer.from(PROXY_V2_SIGNATURE);
    badSig[10] = 0x58;
    const bad: Array<Buffer | string> = [
      Buffer.concat([badSig, Buffer.from([0x21, 0x11, 0, 0])]),
      'PROXY UNKNOWN ' + 'x'.repeat(120) + '\r\n',
      'PROXY TCP4 192.0.2.300 192.0.2.1 1 2\r\n',
      'PROXY TCP4 192.0.2.1 192.0.2.2 99999 2\r\n',
      'PROXY TCP6 192.0.2.1 192.0.2.2 1 2\r\n',
      'USER bob\r\n',
      v2Header(1, 1, Buffer.alloc(4)),
    ];
    for (const header of bad) {
      const c = await connectWith(toy.bound[0].port, header);
      assert.equal(await c.closedByServer(), '', String(header));
    }
    assert.equal(toy.conns.length, 0);
    const errors = toy.logs().filter((l) => l.event === 'proxy-error');
    assert.equal(errors.length, bad.length);
  } finally {
    await toy.stop();
  }
});

test('a truncated header, or none at all, times out and closes without a greeting', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ trustedNetworks: ['127.0.0.1'], proxyHeaderTimeoutMs: 150 });
  try {
    for (const partial of ['PROXY TCP4 192.0.2.1 192.0.2.2 1 2', '', v2Inet('192.0.2.1', '192.0.2.2', 1, 2).subarray(0, 20)]) {
      const c = await connectWith(toy.bound[0].port, partial);
      assert.equal(await c.closedByServer(), '');
    }
    assert.equal(toy.conns.length, 0);
    const reasons = toy.logs().filter((l) => l.event === 'proxy-error').map((l) => l.reason);
    assert.deepEqual(reasons, new Array(3).fill('no complete PROXY header within 150 ms'));
  } finally {
    await toy.stop();
  }
});

test('a PROXY header from an untrusted address is ordinary protocol data', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ trustedNetworks: ['10.0.0.0/8', '::1'] });
  try {
    const c = await connectWith(toy.bound[0].port, 'PROXY TCP4 192.0.2.10 198.51.100.1 56324 110\r\n');
    assert.equal(await c.expect('\r\n'), '+OK hello 127.0.0.1 false\r\n');
    assert.equal(await c.expect('\r\n'), '-ERR unknown: PROXY TCP4 192.0.2.10 198.51.100.1 56324 110\r\n');
    c.destroy();
  } finally {
    await toy.stop();
  }
});

test('curl --haproxy-protocol (an independent PROXY v1 sender) is admitted and its first command arrives intact', { timeout: TEST_TIMEOUT_MS }, async () => {
  const lines: string[] = [];
  const toy = await startToy({
    trustedNetworks: ['127.0.0.1'],
    onConnection: (conn) => {
      conn.write('+OK POP3 ready\r\n');
      let buf = '';
      conn.onData((chunk) => {
        buf += chunk.toString('latin1');
        let eol: number;
        while ((eol = buf.indexOf('\r\n')) !== -1) {
          lines.push(buf.slice(0, eol));
          buf = buf.slice(eol + 2);
          conn.write('-ERR not here\r\n');
          conn.close();
        }
      });
    },
  });
  try {
    const port = toy.bound[0].port;
    await new Promise<void>((resolve, reject) => {
      execFile('curl', ['-s', '--max-time', '5', '--haproxy-protocol', `pop3://127.0.0.1:${port}/`], (err) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error('curl is required for this test'));
        else resolve();
      });
    });
    assert.equal(toy.conns.length, 1, 'the proxied connection was admitted');
    await toy.closedOnServer(0);
    assert.equal(lines[0], 'CAPA');
    const connect = toy.logs().find((l) => l.event === 'connect');
    assert.deepEqual([connect?.ip, connect?.proxy], ['127.0.0.1', '127.0.0.1']);
    assert.equal(toy.logs().filter((l) => l.event === 'proxy-error').length, 0);
  } finally {
    await toy.stop();
  }
});
