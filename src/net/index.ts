// The connection layer's public API, for the daemon's main and the POP3/IMAP front-ends.
export { ConnectionServer, defaultRefusalLine, type BoundEndpoint, type ConnectionServerOptions, type Endpoint, type RefusalReason } from './server.js';
export type { ClientConnection, IdleTimers, Protocol } from './connection.js';
export { TlsManager, type CertificateSummary, type TlsOptions, type TlsReloadResult } from './tls.js';
export { parseNetworks, normalizeAddress, type NetworkList } from './cidr.js';
export { dropPrivileges, planPrivilegeDrop, type PrivilegePlan } from './privileges.js';
