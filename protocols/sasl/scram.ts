// SCRAM-SHA-1 and SCRAM-SHA-256 server (RFC 5802, RFC 7677), without channel binding (-PLUS is not
// offered, so the gs2 flag must be `n` or `y`). Exchange: client-first → server-first (combined
// nonce, salt, iterations) → client-final with proof → server-final `v=ServerSignature`.
// The proof is checked as RFC 5802 §3 says: ClientKey = proof XOR HMAC(StoredKey, AuthMessage),
// then H(ClientKey) must equal StoredKey, compared in constant time. Unknown users get a salt
// derived from a per-process key and their name, so they look like real users until the proof fails.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthBackend, AuthenticatedUser, ScramCredentials, ScramHash } from '../../src/auth/types.js';
import { challenge, failure } from './types.js';
import type { Mechanism, Step } from './types.js';
import { isValidNonce, parseClientFinal, parseClientFirst, ScramSyntaxError } from './scram-messages.js';
import type { ClientFirst, ScramServerError } from './scram-messages.js';
import { lookup } from './verify.js';

/** What a SCRAM instance needs besides the user database. */
export interface ScramOptions {
  readonly nonce: () => string;
  readonly unknownUserIterations: number;
}

const PROCESS_KEY = randomBytes(32);

function algorithm(hash: ScramHash): 'sha1' | 'sha256' {
  return hash === 'SHA-1' ? 'sha1' : 'sha256';
}

/** Credentials that no proof matches, stable per user name so repeated probes look alike. */
function unknownUserCredentials(hash: ScramHash, username: string, iterations: number): ScramCredentials {
  const algo = algorithm(hash);
  const seed = createHmac('sha256', PROCESS_KEY).update(`${hash}\0${username}`).digest();
  return {
    iterations,
    salt: seed.subarray(0, 16),
    storedKey: createHmac(algo, seed).update('stored').digest(),
    serverKey: createHmac(algo, seed).update('server').digest(),
  };
}

function scramFailure(error: ScramServerError, reason: 'malformed' | 'credentials' | 'authz', detail: string): Step {
  return failure(reason, detail, Buffer.from(`e=${error}`, 'utf8'));
}

function syntaxFailure(err: ScramSyntaxError): Step {
  return scramFailure(err.error, 'malformed', err.detail);
}

/** A SCRAM server instance for the given hash. */
export function createScram(hash: ScramHash, backend: AuthBackend, options: ScramOptions): Mechanism {
  const algo = algorithm(hash);
  const name = hash === 'SHA-1' ? 'SCRAM-SHA-1' : 'SCRAM-SHA-256';
  let state: 'new' | 'first' | 'final' | 'done' = 'new';
  let first: ClientFirst | undefined;
  let serverFirst = '';
  let combinedNonce = '';
  let credentials: ScramCredentials | undefined;
  let user: AuthenticatedUser | null = null;

  const onClientFirst = async (bytes: Buffer): Promise<Step> => {
    state = 'done';
    const parsed = parseClientFirst(bytes);
    if (parsed instanceof ScramSyntaxError) return syntaxFailure(parsed);
    const found = await lookup(() => backend.scramCredentials(parsed.username, hash));
    if (!found.ok) return found.step;
    user = found.value ? found.value.user : null;
    credentials = found.value ? found.value.credentials : unknownUserCredentials(hash, parsed.username, options.unknownUserIterations);
    const serverNonce = options.nonce();
    if (!isValidNonce(serverNonce)) return failure('temp', 'server nonce generator returned an invalid nonce');
    first = parsed;
    combinedNonce = parsed.clientNonce + serverNonce;
    serverFirst = `r=${combinedNonce},s=${credentials.salt.toString('base64')},i=${credentials.iterations}`;
    state = 'final';
    return challenge(serverFirst);
  };

  const onClientFinal = (bytes: Buffer): Step => {
    state = 'done';
    if (!first || !credentials) return failure('malformed', 'SCRAM state lost');
    const parsed = parseClientFinal(bytes);
    if (parsed instanceof ScramSyntaxError) return syntaxFailure(parsed);
    if (!parsed.channelBinding.equals(Buffer.from(first.gs2Header, 'utf8'))) {
      return scramFailure('channel-bindings-dont-match', 'malformed', 'c= does not match the gs2 header');
    }
    if (parsed.nonce !== combinedNonce) return scramFailure('other-error', 'malformed', 'r= is not the combined nonce');
    const authMessage = `${first.bare},${serverFirst},${parsed.withoutProof}`;
    const clientSignature = createHmac(algo, credentials.storedKey).update(authMessage, 'utf8').digest();
    if (parsed.proof.length !== clientSignature.length) return scramFailure('invalid-proof', 'credentials', 'proof has the wrong length');
    const clientKey = Buffer.alloc(clientSignature.length);
    for (let i = 0; i < clientKey.length; i++) clientKey[i] = parsed.proof[i] ^ clientSignature[i];
    const storedKey = createHash(algo).update(clientKey).digest();
    const proofOk = storedKey.length === credentials.storedKey.length && timingSafeEqual(storedKey, credentials.storedKey);
    if (!proofOk || !user) return scramFailure('invalid-proof', 'credentials', 'wrong user name or password');
    const { authzid, username } = first;
    if (authzid !== '' && authzid !== username && authzid !== user.username) {
      return scramFailure('other-error', 'authz', 'authorization identity differs from authentication identity');
    }
    const serverSignature = createHmac(algo, credentials.serverKey).update(authMessage, 'utf8').digest();
    return { kind: 'success', user, data: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8') };
  };

  return {
    name,
    async start(initial) {
      if (state !== 'new') return failure('malformed', 'exchange already started');
      if (initial === undefined || initial === null) {
        state = 'first';
        return challenge(Buffer.alloc(0));
      }
      return onClientFirst(initial);
    },
    async step(response) {
      if (state === 'first') return onClientFirst(response);
      if (state === 'final') return onClientFinal(response);
      return failure('malformed', 'unexpected SCRAM message');
    },
  };
}
