// The CAPABILITY list (RFC 3501 §6.1.1 and each extension's RFC): only what this server implements.
import type { MechanismName } from '../sasl/index.js';

/** Extensions implemented by the session and the command files of protocols/imap/commands. */
const BASE = ['IMAP4rev1', 'LITERAL+', 'ID', 'ENABLE', 'IDLE'];
const AFTER_LOGIN = ['NAMESPACE', 'UIDPLUS', 'MOVE', 'UNSELECT', 'CHILDREN', 'SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'MULTIAPPEND', 'STATUS=SIZE'];

/** What the capability list depends on. */
export interface CapabilityContext {
  authenticated: boolean;
  /** STARTTLS is possible now (TLS configured, connection not yet secure). */
  canStartTls: boolean;
  /** LOGIN and cleartext mechanisms are allowed now. */
  cleartextAllowed: boolean;
  /** SASL mechanisms offered now. */
  mechanisms: readonly MechanismName[];
  /** Capabilities contributed by registered command modules (ESEARCH, BINARY, …). */
  fromCommands: readonly string[];
}

/** The capability words, IMAP4rev1 first. */
export function capabilityList(ctx: CapabilityContext): string[] {
  const out = [...BASE];
  if (!ctx.authenticated) {
    out.push('SASL-IR');
    if (ctx.canStartTls) out.push('STARTTLS');
    if (!ctx.cleartextAllowed) out.push('LOGINDISABLED');
    for (const m of ctx.mechanisms) out.push(`AUTH=${m}`);
  } else {
    out.push(...AFTER_LOGIN);
  }
  for (const c of ctx.fromCommands) if (!out.includes(c)) out.push(c);
  return out;
}
