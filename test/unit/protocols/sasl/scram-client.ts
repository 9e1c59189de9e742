// A minimal SCRAM client (RFC 5802 §3) for tests: computes the client-final message and the
// expected server signature from a password, written from the RFC independently of the server.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

/** The client's view after the server-first message. */
export interface ClientFinalParts {
  readonly clientFinal: string;
  readonly serverSignature: string;
}

/** Compute client-final-message for `clientFirstBare`/`serverFirst` with the given gs2 header. */
export function scramClientFinal(
  hash: 'SHA-1' | 'SHA-256',
  password: string,
  gs2Header: string,
  clientFirstBare: string,
  serverFirst: string,
): ClientFinalParts {
  const algo = hash === 'SHA-1' ? 'sha1' : 'sha256';
  const attrs = new Map(serverFirst.split(',').map((a) => [a.slice(0, 1), a.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(attrs.get('s') ?? '', 'base64'), Number(attrs.get('i')), hash === 'SHA-1' ? 20 : 32, algo);
  const withoutProof = `c=${Buffer.from(gs2Header).toString('base64')},r=${attrs.get('r')}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientKey = createHmac(algo, salted).update('Client Key').digest();
  const storedKey = createHash(algo).update(clientKey).digest();
  const signature = createHmac(algo, storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]));
  const serverKey = createHmac(algo, salted).update('Server Key').digest();
  return {
    clientFinal: `${withoutProof},p=${proof.toString('base64')}`,
    serverSignature: createHmac(algo, serverKey).update(authMessage).digest('base64'),
  };
}
