import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { StartupError } from '../../../../src/errors.js';
import { silentLogger } from '../../../../src/log.js';
import type { IdleTimers } from '../../../../src/net/connection.js';
import { ConnectionServer } from '../../../../src/net/server.js';
import { TlsManager } from '../../../../src/net/tls.js';
import { connectPlain, connectTls, makeCert, withTempDir } from './helpers.js';
import { startToy } from './toy-server.js';

/** A hung socket must fail the test, not stall the whole suite. */
const TEST_TIMEOUT_MS = 60_000;

const plainPop3 = { host: '127.0.0.1', port: 0, implicitTls: false, protocol: 'pop3' as const };
const tlsImap = { host: '127.0.0.1', port: 0, implicitTls: true, protocol: 'imap' as const };

async function withTls<T>(fn: (tls: TlsManager, ca: Buffer) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    const cert = await makeCert(dir);
    return fn(new TlsManager({ certPath: cert.certPath, keyPath: cert.keyPath, minVersion: 'TLSv1.2' }), await readFile(cert.certPath));
  });
}

test('listen() binds port 0 endpoints and reports the real ports; a client gets its session', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTls(async (tls) => {
    const toy = await startToy({ tls, endpoints: [plainPop3, tlsImap] });
    try {
      assert.equal(toy.bound.length, 2);
      assert.ok(toy.bound.every((b) => b.port > 0 && b.address === '127.0.0.1'));
      assert.notEqual(toy.bound[0].port, toy.bound[1].port);
      const c = await connectPlain(toy.bound[0].port);
      assert.equal(await c.expect('\r\n'), '+OK hello 127.0.0.1 false\r\n');
      const conn = toy.conns[0];
      assert.equal(conn.protocol, 'pop3');
      assert.match(conn.id, /^[A-Za-z0-9_-]{12}$/);
      assert.equal(conn.localAddress, '127.0.0.1');
      assert.equal(conn.localPort, toy.bound[0].port);
      assert.equal(conn.clientPort, (c.socket as net.Socket).localPort);
      c.write('ECHO abc\r\nQUIT\r\n');
      assert.equal(await c.closedByServer(), '+OK abc\r\n+OK bye\r\n');
      await toy.closedOnServer(0);
      assert.equal(conn.bytesIn, 'ECHO abc\r\nQUIT\r\n'.length);
      assert.equal(conn.bytesOut, '+OK hello 127.0.0.1 false\r\n+OK abc\r\n+OK bye\r\n'.length);
      assert.equal(conn.closed, true);
    } finally {
      await toy.stop();
    }
  });
});

test('one log line at connect and one at disconnect with duration, bytes and protocol fields', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy();
  try {
    const c = await connectPlain(toy.bound[0].port);
    await c.expect('\r\n');
    c.write('ECHO x\r\nQUIT\r\n');
    await c.closedByServer();
    await toy.closedOnServer(0);
    const id = toy.conns[0].id;
    const mine = toy.logs().filter((l) => l.session === id);
    const connect = mine.filter((l) => l.event === 'connect');
    const disconnect = mine.filter((l) => l.event === 'disconnect');
    assert.equal(connect.length, 1);
    assert.equal(disconnect.length, 1);
    assert.deepEqual([connect[0].protocol, connect[0].ip, connect[0].tls], ['pop3', '127.0.0.1', false]);
    assert.equal(disconnect[0].bytesIn, 'ECHO x\r\nQUIT\r\n'.length);
    assert.equal(disconnect[0].bytesOut, '+OK hello 127.0.0.1 false\r\n+OK x\r\n+OK bye\r\n'.length);
    assert.equal(disconnect[0].lines, 2);
    assert.equal(disconnect[0].reason, 'server');
    assert.equal(typeof disconnect[0].durationMs, 'number');
  } finally {
    await toy.stop();
  }
});

test('implicit TLS endpoint: handshake with the generated certificate, session is secure', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTls(async (tls, ca) => {
    const toy = await startToy({ tls, endpoints: [tlsImap] });
    try {
      const { client, socket } = await connectTls(toy.bound[0].port, { ca, servername: 'localhost' });
      assert.equal(socket.authorized, true);
      assert.equal(await client.expect('\r\n'), '+OK hello 127.0.0.1 true\r\n');
      assert.equal(toy.conns[0].protocol, 'imap');
      assert.equal(toy.conns[0].secure, true);
      client.write('QUIT\r\n');
      await client.closedByServer();
      await toy.closedOnServer(0);
      assert.equal(toy.logs().find((l) => l.event === 'connect')?.tls, true);
    } finally {
      await toy.stop();
    }
  });
});

test('an implicit-TLS endpoint without a certificate is a StartupError', { timeout: TEST_TIMEOUT_MS }, () => {
  assert.throws(
    () =>
      new ConnectionServer({
        endpoints: [tlsImap],
        onConnection: () => undefined,
        refusalLine: () => 'x',
        log: silentLogger(),
        maxConnections: 1,
        maxConnectionsPerIp: 1,
        proxyHeaderTimeoutMs: 1,
      }),
    (err: unknown) => err instanceof StartupError && /implicit TLS but no certificate/.test(err.message),
  );
});

test('STARTTLS upgrades a plain session in place; data flows before and after', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTls(async (tls, ca) => {
    const toy = await startToy({ tls });
    try {
      const c = await connectPlain(toy.bound[0].port);
      await c.expect('+OK hello 127.0.0.1 false\r\n');
      c.write('ECHO before\r\n');
      assert.equal(await c.expect('\r\n'), '+OK before\r\n');
      assert.equal(toy.conns[0].canStartTls, true);
      c.write('STLS\r\n');
      assert.equal(await c.expect('\r\n'), '+OK begin TLS\r\n');
      const secure = await c.startTls({ ca, servername: 'localhost' });
      assert.equal(secure.authorized, true);
      c.write('ECHO after\r\nWHO\r\n');
      assert.equal(await c.expect('+OK after\r\n'), '+OK after\r\n');
      assert.match(await c.expect('\r\n'), / true\r\n$/);
      const conn = toy.conns[0];
      assert.equal(conn.secure, true);
      assert.equal(conn.canStartTls, false);
      await assert.rejects(conn.startTls(), /already active/);
      assert.equal(typeof (conn.stream as { getProtocol?: unknown }).getProtocol, 'function');
      c.write('QUIT\r\n');
      await c.closedByServer();
      await toy.closedOnServer(0);
      const disconnect = toy.logs().find((l) => l.event === 'disconnect');
      assert.equal(disconnect?.tls, true);
      assert.equal(conn.bytesIn, 'ECHO before\r\nSTLS\r\nECHO after\r\nWHO\r\nQUIT\r\n'.length);
    } finally {
      await toy.stop();
    }
  });
});

test('a failed STARTTLS handshake closes the connection and the server keeps serving', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTls(async (tls) => {
    const toy = await startToy({ tls });
    try {
      const c = await connectPlain(toy.bound[0].port);
      await c.expect('\r\n');
      c.write('STLS\r\n');
      await c.expect('+OK begin TLS\r\n');
      c.write('this is not a ClientHello\r\n');
      await c.closedByServer();
      await toy.closedOnServer(0);
      assert.equal(toy.logs().find((l) => l.event === 'disconnect')?.reason, 'starttls-failed');
      const again = await connectPlain(toy.bound[0].port);
      assert.equal(await again.expect('\r\n'), '+OK hello 127.0.0.1 false\r\n');
      again.destroy();
    } finally {
      await toy.stop();
    }
  });
});

test('per-IP limit: the extra connection gets the refusal line and is closed; a freed slot is reusable', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ maxConnectionsPerIp: 2, maxConnections: 10 });
  try {
    const a = await connectPlain(toy.bound[0].port);
    const b = await connectPlain(toy.bound[0].port);
    await a.expect('\r\n');
    await b.expect('\r\n');
    const extra = await connectPlain(toy.bound[0].port);
    assert.equal(await extra.closedByServer(), '-ERR [SYS/TEMP] Too many connections from your IP\r\n');
    assert.equal(toy.conns.length, 2);
    const refusal = toy.logs().find((l) => l.event === 'refused');
    assert.deepEqual([refusal?.reason, refusal?.ip, refusal?.protocol], ['per-ip', '127.0.0.1', 'pop3']);
    a.write('QUIT\r\n');
    await a.closedByServer();
    await toy.closedOnServer(0);
    const c = await connectPlain(toy.bound[0].port);
    assert.equal(await c.expect('\r\n'), '+OK hello 127.0.0.1 false\r\n');
    b.destroy();
    c.destroy();
  } finally {
    await toy.stop();
  }
});

test('global limit: the extra connection gets the refusal line; a freed slot is reusable', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy({ maxConnections: 3, maxConnectionsPerIp: 10, endpoints: [{ ...plainPop3, protocol: 'imap' }] });
  try {
    const clients = [];
    for (let i = 0; i < 3; i++) {
      const c = await connectPlain(toy.bound[0].port);
      await c.expect('\r\n');
      clients.push(c);
    }
    const extra = await connectPlain(toy.bound[0].port);
    assert.equal(await extra.closedByServer(), '* BYE Too many connections\r\n');
    clients[1].destroy();
    await toy.closedOnServer(1);
    const again = await connectPlain(toy.bound[0].port);
    assert.equal(await again.expect('\r\n'), '+OK hello 127.0.0.1 false\r\n');
    for (const c of [clients[0], clients[2], again]) c.destroy();
  } finally {
    await toy.stop();
  }
});

test('per-IP refusal on an implicit-TLS endpoint is sent inside TLS', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTls(async (tls, ca) => {
    const toy = await startToy({ tls, endpoints: [tlsImap], maxConnectionsPerIp: 1 });
    try {
      const first = await connectTls(toy.bound[0].port, { ca, servername: 'localhost' });
      await first.client.expect('\r\n');
      const second = await connectTls(toy.bound[0].port, { ca, servername: 'localhost' });
      assert.equal(await second.client.closedByServer(), '* BYE Too many connections from your IP\r\n');
      first.client.destroy();
    } finally {
      await toy.stop();
    }
  });
});

test('over the global limit an implicit-TLS connection is closed before any handshake', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTls(async (tls, ca) => {
    const toy = await startToy({ tls, endpoints: [tlsImap], maxConnections: 1 });
    try {
      const first = await connectTls(toy.bound[0].port, { ca, servername: 'localhost' });
      await first.client.expect('\r\n');
      await assert.rejects(connectTls(toy.bound[0].port, { ca, servername: 'localhost' }), /socket disconnected|ECONNRESET/);
      assert.equal(toy.logs().find((l) => l.event === 'refused')?.reason, 'global');
      first.client.destroy();
    } finally {
      await toy.stop();
    }
  });
});

test('idle timeout fires after the given time without data and is reset by received data', { timeout: TEST_TIMEOUT_MS }, async () => {
  // A manual clock: the test decides when time passes.
  let now = 0;
  const timers = new Map<number, { at: number; cb: () => void }>();
  let nextId = 1;
  const clock: IdleTimers = {
    setTimeout: (cb, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, cb });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  const advance = (ms: number): void => {
    now += ms;
    for (const [id, t] of [...timers]) {
      if (t.at <= now) {
        timers.delete(id);
        t.cb();
      }
    }
  };
  const toy = await startToy({ idleTimers: clock, idleMs: 1000 });
  try {
    const c = await connectPlain(toy.bound[0].port);
    await c.expect('\r\n');
    advance(900);
    c.write('ECHO still here\r\n');
    await c.expect('+OK still here\r\n'); // the server saw the data: the timer was re-armed
    advance(900);
    c.write('ECHO alive\r\n');
    await c.expect('+OK alive\r\n');
    assert.equal(c.closed, false);
    advance(999);
    assert.equal(toy.conns[0].closed, false);
    advance(1);
    assert.equal(toy.conns[0].closed, true);
    assert.equal(await c.closedByServer(), '-ERR idle timeout\r\n');
    await toy.closedOnServer(0);
    assert.equal(toy.logs().find((l) => l.event === 'disconnect')?.reason, 'idle');
    assert.equal(timers.size, 0);
  } finally {
    await toy.stop();
  }
});

test('graceful shutdown: sessions get their goodbye, accepting stops, stragglers are destroyed after the grace time', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy();
  const port = toy.bound[0].port;
  const polite = await connectPlain(port);
  await polite.expect('\r\n');
  const stubborn = await connectPlain(port);
  await stubborn.expect('\r\n');
  stubborn.write('STUBBORN\r\n');
  await stubborn.expect('+OK\r\n');

  const started = Date.now();
  const closing = toy.server.close(1000);
  assert.equal(await polite.closedByServer(), '-ERR shutting down\r\n');
  await assert.rejects(connectPlain(port), /ECONNREFUSED/);
  assert.equal(await stubborn.closedByServer(), '');
  assert.ok(Date.now() - started >= 990, 'the straggler was given the grace time');
  await closing;
  assert.equal(toy.server.connectionCount, 0);
  const reasons = toy.logs().filter((l) => l.event === 'disconnect').map((l) => l.reason).sort();
  assert.deepEqual(reasons, ['shutdown', 'shutdown-timeout']);
  assert.equal(toy.server.close(1000), closing);
});

test('shutdown without live sessions resolves at once and frees the port', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy();
  const port = toy.bound[0].port;
  await toy.server.close(60_000);
  await assert.rejects(connectPlain(port), /ECONNREFUSED/);
});

test('a handler that throws closes only its connection', { timeout: TEST_TIMEOUT_MS }, async () => {
  let calls = 0;
  const toy = await startToy({
    onConnection: (conn) => {
      calls++;
      if (calls === 1) throw new Error('boom');
      conn.write('+OK second\r\n');
      conn.onData(() => {
        throw new Error('boom in data');
      });
    },
  });
  try {
    const a = await connectPlain(toy.bound[0].port);
    await a.closedByServer();
    const b = await connectPlain(toy.bound[0].port);
    await b.expect('+OK second\r\n');
    b.write('x');
    await b.closedByServer();
    const reasons = toy.logs().filter((l) => l.event === 'disconnect').map((l) => l.reason);
    assert.deepEqual(reasons, ['handler-error', 'handler-error']);
  } finally {
    await toy.stop();
  }
});

test('a client reset (ECONNRESET) and writes to a dead peer never crash the server', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy();
  try {
    const c = await connectPlain(toy.bound[0].port);
    await c.expect('\r\n');
    (c.socket as net.Socket).resetAndDestroy();
    await toy.closedOnServer(0);
    for (let i = 0; i < 5; i++) toy.conns[0].write('+OK into the void\r\n');
    assert.equal(toy.conns[0].closed, true);
    const again = await connectPlain(toy.bound[0].port);
    assert.equal(await again.expect('\r\n'), '+OK hello 127.0.0.1 false\r\n');
    again.destroy();
  } finally {
    await toy.stop();
  }
});

test('a busy port is a StartupError and nothing stays bound', { timeout: TEST_TIMEOUT_MS }, async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const busy = (blocker.address() as net.AddressInfo).port;
  const server = new ConnectionServer({
    endpoints: [plainPop3, { ...plainPop3, port: busy }],
    onConnection: () => undefined,
    refusalLine: () => 'x',
    log: silentLogger(),
    maxConnections: 1,
    maxConnectionsPerIp: 1,
    proxyHeaderTimeoutMs: 1,
  });
  await assert.rejects(server.listen(), (err: unknown) => err instanceof StartupError && err.message.includes(`127.0.0.1:${busy}`) && /EADDRINUSE/.test(err.message));
  await new Promise<void>((resolve) => blocker.close(() => resolve()));
  await server.close(0);
});

test('invalid trusted networks are a StartupError naming the setting', { timeout: TEST_TIMEOUT_MS }, () => {
  assert.throws(
    () =>
      new ConnectionServer({
        endpoints: [plainPop3],
        onConnection: () => undefined,
        refusalLine: () => 'x',
        log: silentLogger(),
        maxConnections: 1,
        maxConnectionsPerIp: 1,
        proxyHeaderTimeoutMs: 1,
        trustedNetworks: ['10.0.0.0/40'],
      }),
    (err: unknown) => err instanceof StartupError && /^proxy\.trusted_networks: invalid network "10\.0\.0\.0\/40"/.test(err.message),
  );
});

test('without a certificate STARTTLS is not offered and refusing it leaves the session usable', { timeout: TEST_TIMEOUT_MS }, async () => {
  const toy = await startToy();
  try {
    const c = await connectPlain(toy.bound[0].port);
    await c.expect('\r\n');
    const conn = toy.conns[0];
    assert.equal(conn.canStartTls, false);
    await assert.rejects(conn.startTls(), /no TLS certificate is configured/);
    c.write('ECHO still plain\r\n');
    assert.equal(await c.expect('\r\n'), '+OK still plain\r\n');
    c.destroy();
  } finally {
    await toy.stop();
  }
});

test('TLS errors (plaintext on a TLS port, garbage records mid-session) close only that connection', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTls(async (tls, ca) => {
    const toy = await startToy({ tls, endpoints: [tlsImap] });
    try {
      const plain = await connectPlain(toy.bound[0].port);
      plain.write('a001 CAPABILITY\r\n');
      await plain.closedByServer();
      assert.equal(toy.conns.length, 0);

      // A relay between client and server injects a corrupt record after the handshake.
      let toServer: net.Socket | null = null;
      const relay = net.createServer((down) => {
        const up = net.connect({ port: toy.bound[0].port, host: '127.0.0.1' });
        toServer = up;
        down.pipe(up);
        up.pipe(down);
        for (const s of [up, down]) s.on('error', () => undefined);
        up.on('close', () => down.destroy());
        down.on('close', () => up.destroy());
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      const { client } = await connectTls((relay.address() as net.AddressInfo).port, { ca, servername: 'localhost' });
      await client.expect('\r\n');
      assert.ok(toServer);
      (toServer as net.Socket).write(Buffer.from('17030300050102030405', 'hex')); // a record that cannot decrypt
      await client.closedByServer();
      await toy.closedOnServer(0);
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      const reason = toy.logs().find((l) => l.event === 'disconnect')?.reason;
      assert.match(String(reason), /^ERR_SSL_/);

      const ok = await connectTls(toy.bound[0].port, { ca, servername: 'localhost' });
      assert.equal(await ok.client.expect('\r\n'), '+OK hello 127.0.0.1 true\r\n');
      ok.client.destroy();
    } finally {
      await toy.stop();
    }
  });
});

test('a ClientHello that arrives before startTls() is called is handed to the handshake', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withTls(async (tls, ca) => {
    const toy = await startToy({
      tls,
      onConnection: (conn) => {
        conn.write('+OK ready\r\n');
        let buf = '';
        conn.onData((chunk) => {
          buf += chunk.toString('latin1');
          if (conn.secure) {
            if (buf.endsWith('\r\n')) conn.write(`+OK tls ${buf}`);
            buf = '';
            return;
          }
          if (buf === 'STLS\r\n') {
            buf = '';
            conn.pause();
            conn.write('+OK begin TLS\r\n');
            // Start the handshake only once the client's ClientHello is already waiting here.
            setTimeout(() => conn.startTls().then(() => conn.resume(), () => undefined), 200);
          }
        });
      },
    });
    try {
      const c = await connectPlain(toy.bound[0].port);
      await c.expect('+OK ready\r\n');
      c.write('STLS\r\n');
      await c.expect('+OK begin TLS\r\n');
      await c.startTls({ ca, servername: 'localhost' });
      c.write('NOOP\r\n');
      assert.equal(await c.expect('\r\n'), '+OK tls NOOP\r\n');
      c.destroy();
    } finally {
      await toy.stop();
    }
  });
});
