import type { ResolvedAddress } from './doctor-network.ts';

/**
 * Lists resolved addresses with their families, IPv4 first.
 *
 * @example
 * describeAddresses([{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }]);
 * // '127.0.0.1 (IPv4), ::1 (IPv6)'
 */
export function describeAddresses(addresses: readonly ResolvedAddress[]): string {
  if (addresses.length === 0) return 'no address';
  return [...addresses]
    .sort((a, b) => a.family - b.family)
    .map((entry) => `${entry.address} (IPv${entry.family})`)
    .join(', ');
}
