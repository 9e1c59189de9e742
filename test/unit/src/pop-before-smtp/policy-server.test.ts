import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RelayRegistry } from '../../../../src/pop-before-smtp/registry.js';
import { startPolicyServer } from '../../../../src/pop-before-smtp/policy-server.js';
import { RelayMapFile } from '../../../../src/pop-before-smtp/map-file.js';
import { silentLogger } from '../../../../src/log.js';

/** A Postfix-style policy client: sends requests on one connection, reads one answer each. */
async function ask(port: number, requests: Record<string, string>[]): Promise<string[]> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buf = '';
  const answers: string[] = [];
  for (const req of requests) {
    socket.write(Object.entries(req).map(([k, v]) => `${k}=${v}\n`).join('') + '\n');
    while (!buf.includes('\n\n')) {
      buf += await new Promise<string>((resolve, reject) => {
        socket.once('data', resolve);
        socket.once('error', reject);
      });
    }
    const end = buf.indexOf('\n\n');
    answers.push(buf.slice(0, end));
    buf = buf.slice(end + 2);
  }
  socket.end();
  return answers;
}

const request = (ip: string): Record<string, string> => ({
  request: 'smtpd_access_policy',
  protocol_state: 'RCPT',
  protocol_name: 'ESMTP',
  client_address: ip,
  client_name: 'unknown',
  sender: 'a@example.org',
  recipient: 'b@example.com',
});

test('the policy server answers DUNNO before a login, OK within the window, DUNNO after it', async () => {
  let now = 1_000_000;
  const registry = new RelayRegistry(20 * 60_000, () => now);
  const server = await startPolicyServer({ host: '127.0.0.1', port: 0, registry, log: silentLogger() });
  try {
    const port = server.address.port;
    assert.deepEqual(await ask(port, [request('192.0.2.7')]), ['action=DUNNO']);
    registry.remember('192.0.2.7');
    assert.deepEqual(await ask(port, [request('192.0.2.7'), request('192.0.2.8')]), ['action=OK', 'action=DUNNO']);
    now += 19 * 60_000;
    assert.deepEqual(await ask(port, [request('192.0.2.7')]), ['action=OK']);
    now += 2 * 60_000;
    assert.deepEqual(await ask(port, [request('192.0.2.7')]), ['action=DUNNO']);
  } finally {
    await server.close();
  }
});

test('an IPv4-mapped IPv6 login allows the plain IPv4 client address', async () => {
  const registry = new RelayRegistry(60_000);
  registry.remember('::ffff:198.51.100.1');
  assert.equal(registry.allows('198.51.100.1'), true);
});

test('a request that is not an access policy request gets DUNNO', async () => {
  const registry = new RelayRegistry(60_000);
  registry.remember('192.0.2.9');
  const server = await startPolicyServer({ host: '127.0.0.1', port: 0, registry, log: silentLogger() });
  try {
    const answers = await ask(server.address.port, [{ request: 'other', client_address: '192.0.2.9' }]);
    assert.deepEqual(answers, ['action=DUNNO']);
  } finally {
    await server.close();
  }
});

test('a malformed request line closes the connection', async () => {
  const server = await startPolicyServer({ host: '127.0.0.1', port: 0, registry: new RelayRegistry(1), log: silentLogger() });
  try {
    const socket = net.connect(server.address.port, '127.0.0.1');
    socket.write('this is not an attribute\n');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
  } finally {
    await server.close();
  }
});

test('the map file lists the allowed IPs and is rewritten when they change', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inboxd-'));
  try {
    let now = 0;
    const registry = new RelayRegistry(1000, () => now);
    const file = path.join(dir, 'relay-map');
    const map = new RelayMapFile(file, registry, silentLogger());
    await map.refresh();
    assert.equal(await readFile(file, 'utf8'), '');
    registry.remember('192.0.2.2');
    registry.remember('2001:db8::1');
    await map.refresh();
    assert.equal(await readFile(file, 'utf8'), '192.0.2.2 OK\n2001:db8::1 OK\n');
    now = 2000;
    await map.refresh();
    assert.equal(await readFile(file, 'utf8'), '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
