// The connection layer's public API, for the daemon's main and the POP3/IMAP front-ends.
//
// Wiring in main (config names from src/config/schema.ts):
//   const tls = cfg.tls.cert ? new TlsManager({ certPath: cfg.tls.cert, keyPath: cfg.tls.key,
//     minVersion: cfg.tls.min_version, ciphers: cfg.tls.ciphers }) : undefined;
//   const server = new ConnectionServer({ endpoints, tls, log, onConnection, refusalLine: defaultRefusalLine,
//     maxConnections: cfg.limits.max_connections, maxConnectionsPerIp: cfg.limits.max_connections_per_ip,
//     trustedNetworks: cfg.proxy.trusted_networks,
//     proxyHeaderTimeoutMs: cfg.limits.proxy_header_timeout_seconds * 1000 });
//   const bound = await server.listen();            // print bound[i].address/port
//   dropPrivileges(cfg.user, cfg.group);            // after binding
//   SIGHUP:  const r = tls.reload(); log r.ok ? r.certificate : r.error
//   SIGTERM: await server.close(cfg.limits.shutdown_grace_seconds * 1000)
// Endpoints: one per listen address and enabled port, e.g. { host, port: cfg.pop3.port,
// implicitTls: false, protocol: 'pop3' } and { ..., port: cfg.pop3.tls_port, implicitTls: true }.
export { ConnectionServer, defaultRefusalLine, type BoundEndpoint, type ConnectionServerOptions, type Endpoint, type RefusalReason } from './server.js';
export type { ClientConnection, IdleTimers, Protocol } from './connection.js';
export { TlsManager, type CertificateSummary, type TlsOptions, type TlsReloadResult } from './tls.js';
export { parseNetworks, normalizeAddress, type NetworkList } from './cidr.js';
export { dropPrivileges, planPrivilegeDrop, type PrivilegePlan } from './privileges.js';
