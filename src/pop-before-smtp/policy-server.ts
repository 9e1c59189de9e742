// A Postfix SMTP access policy delegation server (Postfix SMTPD_POLICY_README) answering from the
// POP-before-SMTP registry: `action=OK` for a client IP that logged in recently, `action=DUNNO` else.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { RelayRegistry } from './registry.js';

/** Limits on one policy request, so a misbehaving peer cannot make us buffer without end. */
const MAX_REQUEST_BYTES = 16 * 1024;
const IDLE_TIMEOUT_MS = 100_000;

/**
 * Answer one policy request (its `name=value` attributes); exported for tests of the decision.
 * Only `client_address` matters; `request=smtpd_access_policy` is required by the protocol.
 */
export function policyDecision(attrs: ReadonlyMap<string, string>, registry: RelayRegistry): string {
  if (attrs.get('request') !== 'smtpd_access_policy') return 'DUNNO';
  const ip = attrs.get('client_address');
  return ip !== undefined && registry.allows(ip) ? 'OK' : 'DUNNO';
}

/** Start the policy server; resolves with the bound address. */
export async function startPolicyServer(opts: {
  host: string;
  port: number;
  registry: RelayRegistry;
  log: Logger;
}): Promise<{ address: AddressInfo; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, opts.registry, opts.log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function serveConnection(socket: net.Socket, registry: RelayRegistry, log: Logger): void {
  let buffered = '';
  let attrs = new Map<string, string>();
  socket.setEncoding('utf8');
  socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', (err) => log.debug({ err }, 'policy connection error'));
  socket.on('data', (data: string) => {
    buffered += data;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl).replace(/\r$/, '');
      buffered = buffered.slice(nl + 1);
      if (line === '') {
        const action = policyDecision(attrs, registry);
        log.debug({ client: attrs.get('client_address'), action }, 'policy request');
        socket.write(`action=${action}\n\n`);
        attrs = new Map();
        continue;
      }
      const eq = line.indexOf('=');
      if (eq <= 0) {
        log.warn({ line: line.slice(0, 80) }, 'malformed policy request line; closing');
        socket.destroy();
        return;
      }
      attrs.set(line.slice(0, eq), line.slice(eq + 1));
    }
    if (buffered.length > MAX_REQUEST_BYTES || attrs.size > 256) {
      log.warn('policy request too large; closing');
      socket.destroy();
    }
  });
}
