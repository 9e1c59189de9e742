// TLS: certificate + key loading with clear startup errors, hot reload, and server-side handshakes.
//
// Every handshake (implicit TLS and STARTTLS/STLS alike) is started by wrapping the accepted TCP
// socket with `new tls.TLSSocket(socket, { isServer: true, secureContext })`, taking the context
// current at that moment. reload() builds a whole new context first and only then swaps the
// reference, so a failed reload changes nothing, new handshakes see the new certificate and
// sessions already established keep the context they were created with.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { StartupError } from '../errors.js';
import type { Logger } from '../log.js';

/** Where the certificate and key are and how TLS is configured ([tls] section). */
export interface TlsOptions {
  /** PEM file: the server certificate first, then any intermediate certificates. */
  readonly certPath: string;
  /** PEM file with the unencrypted private key (PKCS#1, PKCS#8 or SEC1). */
  readonly keyPath: string;
  /** Lowest protocol version offered (config tls.min_version). */
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher list for TLS 1.2 (config tls.ciphers); empty keeps Node's default. */
  readonly ciphers?: string;
}

/** Facts about the loaded certificate, for logs and tests. */
export interface CertificateSummary {
  readonly subject: string;
  readonly serialNumber: string;
  /** SHA-256 fingerprint, `AA:BB:...` as OpenSSL prints it. */
  readonly fingerprint256: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly subjectAltName: string;
  /** Number of certificates in the cert file (1 = no chain). */
  readonly chainLength: number;
}

/** Outcome of reload(): the new certificate, or the error while the old one stays in use. */
export type TlsReloadResult = { readonly ok: true; readonly certificate: CertificateSummary } | { readonly ok: false; readonly error: StartupError };

interface Loaded {
  readonly context: tls.SecureContext;
  readonly certificate: CertificateSummary;
}

/** Holds the current TLS context; hands it to every new handshake and swaps it on reload(). */
export class TlsManager {
  private current: Loaded;

  /** Load and check the files; throws StartupError naming the file and the problem. */
  constructor(private readonly options: TlsOptions) {
    this.current = loadTls(options);
  }

  /** The context for the next handshake. */
  get secureContext(): tls.SecureContext {
    return this.current.context;
  }

  /** The certificate new handshakes present. */
  get certificate(): CertificateSummary {
    return this.current.certificate;
  }

  /** Re-read both files; on success new handshakes use them, on failure nothing changes. */
  reload(): TlsReloadResult {
    try {
      this.current = loadTls(this.options);
      return { ok: true, certificate: this.current.certificate };
    } catch (err) {
      const error = err instanceof StartupError ? err : new StartupError(`TLS reload failed: ${String(err)}`, { cause: err });
      return { ok: false, error };
    }
  }

  /** For servers that take an SNICallback: answers every name with the current context. */
  readonly sniCallback = (_servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void): void => {
    cb(null, this.current.context);
  };
}

/** Read, parse and cross-check the certificate and key, then build a SecureContext. */
export function loadTls(options: TlsOptions): Loaded {
  const certPem = readPem(options.certPath, 'tls.cert', 'certificate');
  const keyPem = readPem(options.keyPath, 'tls.key', 'private key');

  const certBlocks = certPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (certBlocks === null) {
    throw new StartupError(`tls.cert: "${options.certPath}" contains no PEM certificate (expected -----BEGIN CERTIFICATE-----)`);
  }
  const chain: X509Certificate[] = [];
  for (const [i, block] of certBlocks.entries()) {
    try {
      chain.push(new X509Certificate(block));
    } catch (err) {
      throw new StartupError(`tls.cert: certificate #${i + 1} in "${options.certPath}" cannot be parsed: ${message(err)}`, { cause: err });
    }
  }
  const leaf = chain[0];

  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new StartupError(
      `tls.key: "${options.keyPath}" is not a usable private key (PEM, unencrypted): ${message(err)}`,
      { cause: err },
    );
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new StartupError(
      `tls.key: the private key in "${options.keyPath}" does not match the certificate in "${options.certPath}" (subject ${leaf.subject.replace(/\n/g, ', ')})`,
    );
  }

  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext({
      cert: certBlocks.join('\n'),
      key: keyPem,
      minVersion: options.minVersion,
      ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    });
  } catch (err) {
    const what = options.ciphers && /cipher/i.test(message(err)) ? `tls.ciphers: "${options.ciphers}"` : `tls: "${options.certPath}"`;
    throw new StartupError(`${what}: cannot build the TLS context: ${message(err)}`, { cause: err });
  }
  return {
    context,
    certificate: {
      subject: leaf.subject.replace(/\n/g, ', '),
      serialNumber: leaf.serialNumber,
      fingerprint256: leaf.fingerprint256,
      validFrom: leaf.validFrom,
      validTo: leaf.validTo,
      subjectAltName: leaf.subjectAltName ?? '',
      chainLength: chain.length,
    },
  };
}

function readPem(file: string, key: string, what: string): string {
  if (file === '') throw new StartupError(`${key}: no ${what} file configured`);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : message(err);
    throw new StartupError(`${key}: cannot read ${what} file "${file}": ${reason}`, { cause: err });
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Run a server-side TLS handshake on an accepted TCP socket (implicit TLS or STARTTLS). Bytes
 * already buffered on the socket (a pipelined ClientHello) are handed to TLS. Resolves with the
 * secure socket; rejects and destroys the socket on failure, timeout or close. Socket and TLS
 * errors after the handshake are emitted as 'error', logged at debug level and destroy the
 * socket; they are never thrown.
 */
export function serverHandshake(socket: Socket, context: tls.SecureContext, timeoutMs: number, log: Logger): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
    let settled = false;
    const settle = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      secure.off('secure', onSecure);
      secure.off('close', onClose);
      if (err === null) {
        resolve(secure);
      } else {
        secure.destroy();
        socket.destroy();
        reject(err);
      }
    };
    const onSecure = (): void => settle(null);
    const onClose = (): void => settle(new Error('connection closed during the TLS handshake'));
    const timer = setTimeout(() => settle(new Error(`TLS handshake not finished within ${timeoutMs} ms`)), timeoutMs);
    secure.on('error', (err: Error) => {
      if (!settled) {
        settle(err);
        return;
      }
      log.debug({ err }, 'TLS socket error');
      secure.destroy();
    });
    // A server-side TLSSocket made outside tls.Server never "releases control", so Node reports
    // TLS errors after the handshake (a bad record MAC, say) only through the internal
    // '_tlsError' event and leaves the socket open. Turn them into a normal error + destroy.
    secure.on('_tlsError', (err: Error) => {
      if (!settled) settle(err);
      else if (!secure.destroyed) secure.destroy(err);
    });
    secure.once('secure', onSecure);
    secure.once('close', onClose);
  });
}
