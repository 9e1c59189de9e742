// Whether cleartext passwords (PLAIN, LOGIN, USER/PASS, IMAP LOGIN) are allowed on a connection,
// from config `auth.allow_cleartext_without_tls`.
import { isIP } from 'node:net';

/** The config values of `auth.allow_cleartext_without_tls`. */
export type CleartextPolicy = 'loopback' | 'always' | 'never';

/** Expand an IPv6 address to its eight 16-bit groups, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.split('%')[0];
  // A trailing dotted quad (::ffff:127.0.0.1) becomes two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const b = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...new Array<number>(fill).fill(0), ...right];
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped ::ffff:127.x.x.x addresses. */
export function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.split('.')[0] === '127';
  const g = ipv6Groups(address);
  if (!g || g.length !== 8) return false;
  const zerosBefore = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zerosBefore(7) && g[7] === 1) return true;
  return zerosBefore(5) && g[5] === 0xffff && g[6] >> 8 === 127;
}

/** May cleartext credentials be used on this connection? TLS always allows them. */
export function cleartextAllowed(policy: CleartextPolicy, secure: boolean, clientIp: string): boolean {
  if (secure || policy === 'always') return true;
  if (policy === 'never') return false;
  return isLoopbackAddress(clientIp);
}
