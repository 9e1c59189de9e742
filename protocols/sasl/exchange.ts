// The line-level driver both front-ends use: client lines in (base64, `*`, `=`), challenge text
// and outcomes out. It owns the response size limit and cancellation; mechanisms see only bytes.
import type { AuthenticatedUser } from '../../src/auth/types.js';
import { decodeClientResponse, encodeServerData } from './base64-line.js';
import type { FailureReason, Mechanism, Step } from './types.js';

/** What the front-end does next: send `+ text`, or finish with OK/NO. */
export type ExchangeReply =
  | { readonly kind: 'challenge'; readonly text: string }
  | { readonly kind: 'success'; readonly user: AuthenticatedUser; readonly text?: string }
  | { readonly kind: 'failure'; readonly reason: FailureReason; readonly detail?: string; readonly text?: string };

/** Limits for one exchange. */
export interface ExchangeOptions {
  /** Largest decoded client response (config `auth.max_sasl_response_bytes`). */
  readonly maxResponseBytes: number;
}

/** One SASL exchange driven by protocol lines. */
export interface SaslExchange {
  /** True once success or failure was returned. */
  readonly finished: boolean;
  /** Begin; `initialResponse` is the SASL-IR argument as sent (`=` for empty), undefined when absent. */
  start(initialResponse?: string): Promise<ExchangeReply>;
  /** Feed the client's line answering the last challenge (without CRLF). */
  respond(line: string): Promise<ExchangeReply>;
}

/** Drive `mechanism` from protocol lines. */
export function createSaslExchange(mechanism: Mechanism, options: ExchangeOptions): SaslExchange {
  let state: 'new' | 'running' | 'finished' = 'new';

  const reply = (step: Step): ExchangeReply => {
    if (step.kind === 'challenge') return { kind: 'challenge', text: encodeServerData(step.data) };
    state = 'finished';
    if (step.kind === 'success') {
      return step.data === undefined ? { kind: 'success', user: step.user } : { kind: 'success', user: step.user, text: encodeServerData(step.data) };
    }
    const base = { kind: 'failure' as const, reason: step.reason, detail: step.detail };
    return step.data === undefined ? base : { ...base, text: encodeServerData(step.data) };
  };

  const decode = (line: string, initial: boolean): Buffer | ExchangeReply => {
    const decoded = decodeClientResponse(line, { maxBytes: options.maxResponseBytes, initial });
    if (decoded.kind === 'data') return decoded.data;
    state = 'finished';
    if (decoded.kind === 'cancel') return { kind: 'failure', reason: 'cancelled', detail: 'client cancelled the exchange' };
    return { kind: 'failure', reason: 'malformed', detail: decoded.detail };
  };

  return {
    get finished() {
      return state === 'finished';
    },
    async start(initialResponse) {
      if (state !== 'new') return { kind: 'failure', reason: 'malformed', detail: 'exchange already started' };
      state = 'running';
      if (initialResponse === undefined) return reply(await mechanism.start(null));
      const data = decode(initialResponse, true);
      return Buffer.isBuffer(data) ? reply(await mechanism.start(data)) : data;
    },
    async respond(line) {
      if (state !== 'running') return { kind: 'failure', reason: 'malformed', detail: 'no exchange in progress' };
      const data = decode(line, false);
      return Buffer.isBuffer(data) ? reply(await mechanism.step(data)) : data;
    },
  };
}
