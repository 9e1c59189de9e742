// Envelope address lists (RFC 3501 §7.4.2): `((name adl mailbox host)(…))` or NIL.

import type { Address } from '../../../storage/message/types.js';
import { encodeString } from './string.js';
import type { StringOptions } from './string.js';

/** One address `(name adl mailbox host)`, each an nstring. */
export function encodeAddress(address: Address, options: Omit<StringOptions, 'atom'> = {}): Buffer {
  const fields = [address.name, address.adl, address.mailbox, address.host].map((f) => encodeString(f, options));
  return Buffer.concat([Buffer.from('('), fields[0], Buffer.from(' '), fields[1], Buffer.from(' '), fields[2], Buffer.from(' '), fields[3], Buffer.from(')')]);
}

/** An address list: NIL when absent or empty, else the addresses side by side in parentheses. */
export function encodeAddressList(list: readonly Address[] | null | undefined, options: Omit<StringOptions, 'atom'> = {}): Buffer {
  if (!list || list.length === 0) return Buffer.from('NIL');
  return Buffer.concat([Buffer.from('('), ...list.map((a) => encodeAddress(a, options)), Buffer.from(')')]);
}
