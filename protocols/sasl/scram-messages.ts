// SCRAM message syntax (RFC 5802 §7), client side messages as the server parses them. Pure
// functions: each returns the parsed message or a ScramSyntaxError naming the `e=` value to send.
import { decodeUtf8 } from './text.js';

/** A reason a SCRAM message was refused, with the RFC 5802 server-error-value for `e=`. */
export class ScramSyntaxError {
  constructor(
    readonly error: ScramServerError,
    readonly detail: string,
  ) {}
}

/** The server-error-value names of RFC 5802 §7 that this server sends. */
export type ScramServerError =
  | 'invalid-encoding'
  | 'extensions-not-supported'
  | 'invalid-proof'
  | 'channel-bindings-dont-match'
  | 'server-does-support-channel-binding'
  | 'channel-binding-not-supported'
  | 'unsupported-channel-binding-type'
  | 'invalid-username-encoding'
  | 'unknown-user'
  | 'other-error';

/** The client-first-message, split up. */
export interface ClientFirst {
  /** The gs2 header exactly as sent (`n,,`, `y,,`, `n,a=...,`): its base64 must come back in `c=`. */
  readonly gs2Header: string;
  readonly cbindFlag: 'n' | 'y';
  /** The decoded authzid, or '' when none was given. */
  readonly authzid: string;
  /** The decoded user name. */
  readonly username: string;
  readonly clientNonce: string;
  /** client-first-message-bare, the first part of the AuthMessage. */
  readonly bare: string;
}

/** The client-final-message, split up. */
export interface ClientFinal {
  /** Decoded `c=` value. */
  readonly channelBinding: Buffer;
  readonly nonce: string;
  readonly proof: Buffer;
  /** client-final-message-without-proof, the last part of the AuthMessage. */
  readonly withoutProof: string;
}

// printable = %x21-2B / %x2D-7E (any visible ASCII except ',')
const PRINTABLE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True for a valid SCRAM nonce: one or more printable characters, none of them ','. */
export function isValidNonce(nonce: string): boolean {
  return PRINTABLE.test(nonce);
}

/** Decode a saslname: `=2C` is ',', `=3D` is '='; any other '=' is an error; NUL is not allowed. */
export function decodeSaslname(value: string): string | null {
  if (value === '' || value.includes('\0')) return null;
  let bad = false;
  const out = value.replace(/=(..)?/g, (_m, code: string | undefined) => {
    if (code === '2C') return ',';
    if (code === '3D') return '=';
    bad = true;
    return '';
  });
  return bad ? null : out;
}

/** Encode a name as a saslname (the inverse of decodeSaslname). */
export function encodeSaslname(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function strictBase64(value: string): Buffer | null {
  if (!BASE64.test(value)) return null;
  const data = Buffer.from(value, 'base64');
  return data.toString('base64') === value ? data : null;
}

/** Parse a client-first-message (gs2-header client-first-message-bare). */
export function parseClientFirst(bytes: Buffer): ClientFirst | ScramSyntaxError {
  const text = decodeUtf8(bytes);
  if (text === null) return new ScramSyntaxError('invalid-encoding', 'client-first-message is not UTF-8');
  // gs2-header = gs2-cbind-flag "," [ authzid ] ","
  const c1 = text.indexOf(',');
  const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
  if (c1 < 0 || c2 < 0) return new ScramSyntaxError('other-error', 'missing gs2 header');
  const flag = text.slice(0, c1);
  const authzField = text.slice(c1 + 1, c2);
  if (flag.startsWith('p=')) {
    return new ScramSyntaxError('channel-binding-not-supported', 'client requires channel binding (-PLUS is not offered)');
  }
  if (flag !== 'n' && flag !== 'y') return new ScramSyntaxError('other-error', 'bad gs2 channel-binding flag');
  let authzid = '';
  if (authzField !== '') {
    if (!authzField.startsWith('a=')) return new ScramSyntaxError('other-error', 'bad gs2 authzid');
    const decoded = decodeSaslname(authzField.slice(2));
    if (decoded === null) return new ScramSyntaxError('invalid-username-encoding', 'bad authzid encoding');
    authzid = decoded;
  }
  const gs2Header = text.slice(0, c2 + 1);
  const bare = text.slice(c2 + 1);
  const attrs = bare.split(',');
  // [reserved-mext ","] username "," nonce ["," extensions]
  if (attrs[0].startsWith('m=')) return new ScramSyntaxError('extensions-not-supported', 'mandatory extension m= is not supported');
  if (attrs.length < 2 || !attrs[0].startsWith('n=') || !attrs[1].startsWith('r=')) {
    return new ScramSyntaxError('other-error', 'client-first-message-bare must start with n= and r=');
  }
  const username = decodeSaslname(attrs[0].slice(2));
  if (username === null) return new ScramSyntaxError('invalid-username-encoding', 'bad user name encoding');
  const clientNonce = attrs[1].slice(2);
  if (!isValidNonce(clientNonce)) return new ScramSyntaxError('other-error', 'client nonce is empty or not printable');
  for (const ext of attrs.slice(2)) {
    if (!/^[A-Za-z]=/.test(ext)) return new ScramSyntaxError('other-error', 'malformed extension attribute');
  }
  return { gs2Header, cbindFlag: flag, authzid, username, clientNonce, bare };
}

/** Parse a client-final-message: `c=...,r=...[,ext...],p=...`. */
export function parseClientFinal(bytes: Buffer): ClientFinal | ScramSyntaxError {
  const text = decodeUtf8(bytes);
  if (text === null) return new ScramSyntaxError('invalid-encoding', 'client-final-message is not UTF-8');
  const attrs = text.split(',');
  if (attrs.length < 3) return new ScramSyntaxError('other-error', 'client-final-message needs c=, r= and p=');
  const [cAttr, rAttr] = attrs;
  const pAttr = attrs[attrs.length - 1];
  if (!cAttr.startsWith('c=') || !rAttr.startsWith('r=') || !pAttr.startsWith('p=')) {
    return new ScramSyntaxError('other-error', 'client-final-message must be c=...,r=...,p=...');
  }
  for (const ext of attrs.slice(2, -1)) {
    if (!/^[A-Za-z]=/.test(ext) || /^[cpr]=/.test(ext)) return new ScramSyntaxError('other-error', 'malformed extension attribute');
  }
  const channelBinding = strictBase64(cAttr.slice(2));
  if (channelBinding === null) return new ScramSyntaxError('invalid-encoding', 'c= is not base64');
  const proof = strictBase64(pAttr.slice(2));
  if (proof === null || proof.length === 0) return new ScramSyntaxError('invalid-encoding', 'p= is not base64');
  const nonce = rAttr.slice(2);
  if (!isValidNonce(nonce)) return new ScramSyntaxError('other-error', 'nonce is empty or not printable');
  return { channelBinding, nonce, proof, withoutProof: text.slice(0, text.length - pAttr.length - 1) };
}
