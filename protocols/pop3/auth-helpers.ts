// SASL glue for POP3: which mechanisms to offer now.
import { listMechanisms, type MechanismName } from '../sasl/index.js';
import type { Pop3Session } from './session.js';

/** The SASL mechanisms this connection may use now (cleartext ones only when allowed). */
export function mechanismsOffered(session: Pop3Session): MechanismName[] {
  return listMechanisms(session.deps.mechanisms, { secure: session.conn.secure, allowCleartext: session.cleartextAllowed() });
}
