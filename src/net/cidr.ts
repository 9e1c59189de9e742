// Trusted networks (proxy.trusted_networks): IPv4/IPv6 CIDR blocks and single addresses.
//
// Addresses are compared as integers (32 bits for IPv4, 128 bits for IPv6, as bigint). An
// IPv4-mapped IPv6 address (::ffff:a.b.c.d, which is how a dual-stack socket reports an IPv4
// client) is treated as the IPv4 address it carries, both in the list and when testing a client.
import { isIPv4, isIPv6 } from 'node:net';

/** One parsed network: address family, the network number with host bits cleared, prefix length. */
export interface Network {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
  /** The entry as written in the configuration, for messages. */
  readonly source: string;
}

/** A parsed list of networks that can test whether an address belongs to one of them. */
export interface NetworkList {
  readonly networks: readonly Network[];
  contains(address: string): boolean;
}

/** Thrown for an entry that is not an address or CIDR block; `entry` is the offending text. */
export class NetworkParseError extends Error {
  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(`invalid network "${entry}": ${reason}`);
    this.name = 'NetworkParseError';
  }
}

/** Parse trusted network entries such as `10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`, `::1`. */
export function parseNetworks(entries: readonly string[]): NetworkList {
  const networks = entries.map(parseNetwork);
  return {
    networks,
    contains(address: string): boolean {
      const parsed = parseAddress(address);
      if (parsed === null) return false;
      return networks.some((n) => n.family === parsed.family && (parsed.value & mask(n.family, n.prefix)) === n.base);
    },
  };
}

/** Parse one entry; throws NetworkParseError with the reason. */
export function parseNetwork(entry: string): Network {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const parsed = parseAddress(addrText);
  if (parsed === null) throw new NetworkParseError(entry, 'not an IPv4 or IPv6 address');
  if (addrText.includes('%')) throw new NetworkParseError(entry, 'zone identifiers are not allowed');
  const bits = parsed.family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) throw new NetworkParseError(entry, 'prefix length is not a number');
    prefix = Number(prefixText);
    if (parsed.mapped) {
      // ::ffff:a.b.c.d/N covers the IPv4 block a.b.c.d/(N-96).
      if (prefix < 96 || prefix > 128) throw new NetworkParseError(entry, 'prefix of an IPv4-mapped address must be 96..128');
      prefix -= 96;
    } else if (prefix > bits) {
      throw new NetworkParseError(entry, `prefix length must be 0..${bits}`);
    }
  }
  return { family: parsed.family, base: parsed.value & mask(parsed.family, prefix), prefix, source: entry };
}

/**
 * The canonical form of a client address: IPv4-mapped IPv6 becomes plain IPv4 and a zone
 * identifier is dropped; anything else is returned unchanged. Used for per-IP counting and logs.
 */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  const v4 = mappedIPv4(lower);
  if (v4 !== null) return v4;
  const zone = lower.indexOf('%');
  return zone === -1 ? address : address.slice(0, zone);
}

interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
  mapped: boolean;
}

/** Parse an address into its integer value; null when it is not an IP address. */
export function parseAddress(address: string): ParsedAddress | null {
  if (isIPv4(address)) return { family: 4, value: ipv4Value(address), mapped: false };
  if (!isIPv6(address)) return null;
  const withoutZone = address.includes('%') ? address.slice(0, address.indexOf('%')) : address;
  const v4 = mappedIPv4(withoutZone.toLowerCase());
  if (v4 !== null) return { family: 4, value: ipv4Value(v4), mapped: true };
  return { family: 6, value: ipv6Value(withoutZone), mapped: false };
}

function mappedIPv4(lower: string): string | null {
  if (!lower.includes('ffff') || !isIPv6(lower) || lower.includes('%')) return null;
  // Only ::ffff:0:0/96 is IPv4-mapped: the first 80 bits zero, then 16 one bits.
  const value = ipv6Value(lower);
  if (value >> 32n !== 0xffffn) return null;
  const n = Number(value & 0xffffffffn);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function ipv4Value(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** Expand a valid IPv6 address (already checked with isIPv6, no zone) into 128 bits. */
function ipv6Value(address: string): bigint {
  let text = address;
  // A trailing dotted quad stands for the last two groups: rewrite it as two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = Number(ipv4Value(tail));
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length > 1 && halves[1] !== '' ? halves[1].split(':') : [];
  const zeros = halves.length > 1 ? 8 - head.length - rest.length : 0;
  const groups = [...head.map((g) => parseInt(g, 16)), ...new Array<number>(zeros).fill(0), ...rest.map((g) => parseInt(g, 16))];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = family === 4 ? 32 : 128;
  if (prefix === 0) return 0n;
  return ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}
