import { isIP } from 'node:net';

/**
 * Which IP addresses a webhook may be sent to: public unicast only. Loopback, private,
 * shared (CGNAT), link-local (and so the cloud metadata services at 169.254.169.254 and
 * fd00:ec2::254), documentation, benchmarking, multicast and reserved IPv4 ranges are refused;
 * of IPv6 only global unicast (2000::/3) passes, less its special blocks. An IPv6 address that
 * embeds an IPv4 one (IPv4-mapped, NAT64) is judged by the IPv4 address it carries. Anything
 * that does not parse is refused.
 */

interface Block {
  bytes: number[];
  prefix: number;
}

function block(cidr: string): Block {
  const [address, prefix] = cidr.split('/');
  const bytes = addressBytes(address);
  if (!bytes) throw new Error(`bad CIDR ${cidr}`);
  return { bytes, prefix: Number(prefix) };
}

const REFUSED_V4 = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private
  '100.64.0.0/10', // shared address space (CGNAT)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, cloud metadata
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, broadcast
].map(block);

/** IPv6's global unicast space: every other IPv6 address is refused. */
const GLOBAL_UNICAST_V6 = block('2000::/3');

/** What global unicast holds that is not a public destination. */
const REFUSED_V6 = [
  '2001::/23', // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4 (carries any IPv4 address)
  '3fff::/20', // documentation
].map(block);

/** IPv6 prefixes whose last 32 bits are an IPv4 address to judge instead. */
const EMBEDDING_V4 = ['::ffff:0:0/96', '64:ff9b::/96'].map(block);

export function isPublicAddress(address: string): boolean {
  const bytes = addressBytes(address);
  if (!bytes) return false;
  if (bytes.length === 4) return !REFUSED_V4.some((refused) => inBlock(bytes, refused));
  const embedding = EMBEDDING_V4.find((prefix) => inBlock(bytes, prefix));
  if (embedding) return isPublicAddress(bytes.slice(12).join('.'));
  return (
    inBlock(bytes, GLOBAL_UNICAST_V6) && !REFUSED_V6.some((refused) => inBlock(bytes, refused))
  );
}

/** The address as 4 or 16 bytes, or null when it is not an IP address. A zone (`%eth0`) is ignored. */
export function addressBytes(address: string): number[] | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return bare.split('.').map(Number);
  if (version === 6) return ipv6Bytes(bare);
  return null;
}

function ipv6Bytes(address: string): number[] | null {
  let text = address.toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    tail.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
    // Keep a `::` before the IPv4 part whole; drop a single separating `:`.
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const known = left.length + right.length + tail.length;
  const fill = halves.length === 2 ? 8 - known : 0;
  if (fill < 0 || (halves.length === 1 && known !== 8)) return null;
  const groups = [
    ...left.map((group) => parseInt(group, 16)),
    ...new Array<number>(fill).fill(0),
    ...right.map((group) => parseInt(group, 16)),
    ...tail,
  ];
  if (groups.length !== 8 || groups.some((group) => !Number.isInteger(group))) return null;
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

function inBlock(bytes: number[], { bytes: base, prefix }: Block): boolean {
  if (bytes.length !== base.length) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const index = bit / 8;
    if ((bytes[index] & mask) !== (base[index] & mask)) return false;
  }
  return true;
}
