// Choosing and creating mechanisms: the registry both protocol front-ends use.
import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { AuthBackend, AuthContext } from '../../src/auth/types.js';
import { createCramMd5 } from './cram-md5.js';
import { createLogin } from './login.js';
import { createPlain } from './plain.js';
import { createScram } from './scram.js';
import { failure, MECHANISM_NAMES } from './types.js';
import type { Mechanism, MechanismName, MechanismOptions, Step } from './types.js';

/** Mechanisms that reveal the password to anyone who can read the connection. */
export const CLEARTEXT_MECHANISMS: ReadonlySet<MechanismName> = new Set<MechanismName>(['PLAIN', 'LOGIN']);

/** The mechanism name a client asked for (case-insensitive), or null when we do not implement it. */
export function normalizeMechanismName(requested: string): MechanismName | null {
  const upper = requested.toUpperCase();
  return (MECHANISM_NAMES as readonly string[]).includes(upper) ? (upper as MechanismName) : null;
}

/**
 * The mechanisms that may be offered (and accepted) on this connection, in configured order:
 * PLAIN and LOGIN only on a secure connection or when cleartext is allowed (see cleartextAllowed).
 */
export function listMechanisms(
  configured: readonly MechanismName[],
  connection: { readonly secure: boolean; readonly allowCleartext: boolean },
): MechanismName[] {
  const seen = new Set<MechanismName>();
  const out: MechanismName[] = [];
  for (const name of configured) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (CLEARTEXT_MECHANISMS.has(name) && !(connection.secure || connection.allowCleartext)) continue;
    out.push(name);
  }
  return out;
}

function defaultNonce(): string {
  // base64 of random bytes is printable and never contains ','.
  return randomBytes(18).toString('base64');
}

/**
 * Wrap a mechanism for a protocol that cannot send data with its success reply (RFC 4422 §5,
 * item 6): the final server data goes out as a challenge and only an empty response completes
 * the exchange successfully.
 */
function withoutSuccessData(inner: Mechanism): Mechanism {
  let pending: Step | null = null;
  let done = false;
  const defer = (step: Step): Step => {
    if (step.kind === 'success' && step.data !== undefined && step.data.length > 0) {
      pending = { kind: 'success', user: step.user };
      return { kind: 'challenge', data: step.data };
    }
    if (step.kind !== 'challenge') done = true;
    return step;
  };
  return {
    name: inner.name,
    async start(initial) {
      return defer(await inner.start(initial));
    },
    async step(response) {
      if (done) return failure('malformed', 'exchange already finished');
      if (pending) {
        const result = pending;
        pending = null;
        done = true;
        return response.length === 0 ? result : failure('malformed', 'expected an empty response after the final server data');
      }
      return defer(await inner.step(response));
    },
  };
}

/**
 * Create a server instance of a mechanism for one authentication attempt. `ctx` says where the
 * attempt comes from; the cleartext policy is the caller's job (offer only what listMechanisms returns).
 */
export function createMechanism(name: MechanismName, backend: AuthBackend, _ctx: AuthContext, options: MechanismOptions = {}): Mechanism {
  const nonce = options.nonce ?? defaultNonce;
  let mech: Mechanism;
  switch (name) {
    case 'PLAIN':
      mech = createPlain(backend);
      break;
    case 'LOGIN':
      mech = createLogin(backend);
      break;
    case 'CRAM-MD5':
      mech = createCramMd5(backend, { hostname: options.hostname ?? osHostname(), nonce, now: options.now ?? Date.now });
      break;
    case 'SCRAM-SHA-1':
    case 'SCRAM-SHA-256':
      mech = createScram(name === 'SCRAM-SHA-1' ? 'SHA-1' : 'SHA-256', backend, {
        nonce,
        unknownUserIterations: options.scramUnknownUserIterations ?? 4096,
      });
      break;
    default: {
      const never: never = name;
      throw new Error(`unknown SASL mechanism ${String(never)}`);
    }
  }
  return options.additionalDataWithSuccess ? mech : withoutSuccessData(mech);
}
