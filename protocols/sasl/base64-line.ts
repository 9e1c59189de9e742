// The line format both protocols use for SASL data (RFC 4422 via RFC 5034 §4 and RFC 3501 §6.2.2 /
// RFC 4959): strict base64, `*` cancels, `=` is an empty initial response.

/** A client line decoded: the bytes, a cancellation, or a reason to fail the exchange. */
export type ClientResponse =
  | { readonly kind: 'data'; readonly data: Buffer }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'invalid'; readonly reason: 'malformed' | 'too-long'; readonly detail: string };

/** How a client line is decoded. */
export interface DecodeOptions {
  /** Largest decoded response accepted, in bytes (config `auth.max_sasl_response_bytes`). */
  readonly maxBytes: number;
  /**
   * True for an initial response given with the command (SASL-IR): there `=` stands for an empty
   * response and an empty string is not allowed. False for a continuation line, where the empty
   * line is the empty response.
   */
  readonly initial: boolean;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decode one client line (without its CRLF). Only canonical base64 is accepted: no whitespace, no
 * missing padding, no stray bits in the last character (a decoder that ignores those would let two
 * different lines mean the same bytes).
 */
export function decodeClientResponse(line: string, options: DecodeOptions): ClientResponse {
  if (line === '*') return { kind: 'cancel' };
  if (options.initial) {
    if (line === '=') return { kind: 'data', data: Buffer.alloc(0) };
    if (line === '') return { kind: 'invalid', reason: 'malformed', detail: 'empty initial response (use "=")' };
  } else if (line === '') {
    return { kind: 'data', data: Buffer.alloc(0) };
  }
  // Reject before decoding anything: base64 length bounds the decoded length from above.
  if (line.length > Math.ceil(options.maxBytes / 3) * 4) {
    return { kind: 'invalid', reason: 'too-long', detail: `response longer than ${options.maxBytes} bytes` };
  }
  if (!BASE64.test(line)) return { kind: 'invalid', reason: 'malformed', detail: 'invalid base64' };
  const data = Buffer.from(line, 'base64');
  if (data.toString('base64') !== line) return { kind: 'invalid', reason: 'malformed', detail: 'non-canonical base64' };
  if (data.length > options.maxBytes) {
    return { kind: 'invalid', reason: 'too-long', detail: `response longer than ${options.maxBytes} bytes` };
  }
  return { kind: 'data', data };
}

/** Encode server data for a challenge line (`+ <this>`); empty data gives the empty string. */
export function encodeServerData(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}
