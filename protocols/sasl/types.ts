// The server-side SASL contract (RFC 4422) shared by the POP3 AUTH and IMAP AUTHENTICATE front-ends.
import type { AuthenticatedUser } from '../../src/auth/types.js';

/** Mechanism names this server implements, as advertised (upper case). */
export const MECHANISM_NAMES = ['PLAIN', 'LOGIN', 'CRAM-MD5', 'SCRAM-SHA-1', 'SCRAM-SHA-256'] as const;

/** A SASL mechanism name this server implements. */
export type MechanismName = (typeof MECHANISM_NAMES)[number];

/** Why an exchange failed; the front-end picks its reply text from this. */
export type FailureReason =
  /** Unknown user, wrong password, bad proof: deliberately indistinguishable. */
  | 'credentials'
  /** The client sent something that breaks the mechanism's syntax, or a response that is too long. */
  | 'malformed'
  /** The client sent `*`. */
  | 'cancelled'
  /** The client asked to act as another identity, which is not allowed. */
  | 'authz'
  /** The user database failed: try again later. */
  | 'temp';

/** One step of an exchange, as seen by the server. */
export type Step =
  | { readonly kind: 'challenge'; readonly data: Buffer }
  | { readonly kind: 'success'; readonly user: AuthenticatedUser; readonly data?: Buffer }
  | {
      readonly kind: 'failure';
      readonly reason: FailureReason;
      /** Mechanism-level error data (SCRAM `e=...`), for protocols that can carry it. */
      readonly data?: Buffer;
      /** A short reason for the log; never contains a secret. */
      readonly detail?: string;
    };

/** A server-side mechanism instance: one per authentication attempt. */
export interface Mechanism {
  readonly name: MechanismName;
  /** Begin the exchange; `initial` is the client's initial response (null or undefined when none was sent). */
  start(initial?: Buffer | null): Promise<Step>;
  /** Feed the client's (decoded) answer to the last challenge. */
  step(response: Buffer): Promise<Step>;
}

/** Knobs for mechanism instances; every one has a default, tests inject the random parts. */
export interface MechanismOptions {
  /**
   * Whether the protocol can carry additional data with its success reply (RFC 4422 §4, item 6).
   * POP3 (RFC 5034) and IMAP4rev1 (RFC 3501) cannot: final server data is then sent as a
   * challenge and the client must answer it with an empty response. Default false.
   */
  readonly additionalDataWithSuccess?: boolean;
  /** Host name used in the CRAM-MD5 challenge. Default `os.hostname()`. */
  readonly hostname?: string;
  /** Random printable token (no `,`) used for CRAM-MD5 challenges and the SCRAM server nonce. */
  readonly nonce?: () => string;
  /** Clock in milliseconds, for the CRAM-MD5 challenge timestamp. Default `Date.now`. */
  readonly now?: () => number;
  /** Iteration count shown to unknown users in SCRAM, so they look like real ones. Default 4096. */
  readonly scramUnknownUserIterations?: number;
}

/** Creates the failure step, the one place where its shape is decided. */
export function failure(reason: FailureReason, detail?: string, data?: Buffer): Step {
  return data === undefined ? { kind: 'failure', reason, detail } : { kind: 'failure', reason, detail, data };
}

/** Creates a challenge step. */
export function challenge(data: Buffer | string): Step {
  return { kind: 'challenge', data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data };
}
