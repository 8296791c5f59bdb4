import { BlockList, isIP } from "node:net";

/**
 * Networks the image proxy never connects to: everything that is not the public internet. The
 * proxy fetches on a reader's behalf from a URL a writer chose, so without this list a writer
 * could make the archive's own server read its loopback services, the cloud metadata endpoint
 * (169.254.169.254) or the hosting provider's private network.
 */
const IPV4_REFUSED: [string, number, string][] = [
  ["0.0.0.0", 8, "unspecified (this network)"],
  ["10.0.0.0", 8, "private (10/8)"],
  ["100.64.0.0", 10, "shared address space (CGNAT, 100.64/10)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (169.254/16, cloud metadata)"],
  ["172.16.0.0", 12, "private (172.16/12)"],
  ["192.0.0.0", 24, "IETF protocol assignments (192.0.0/24)"],
  ["192.0.2.0", 24, "documentation (192.0.2/24)"],
  ["192.88.99.0", 24, "6to4 relay anycast"],
  ["192.168.0.0", 16, "private (192.168/16)"],
  ["198.18.0.0", 15, "benchmarking (198.18/15)"],
  ["198.51.100.0", 24, "documentation (198.51.100/24)"],
  ["203.0.113.0", 24, "documentation (203.0.113/24)"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved and broadcast"],
];

const IPV6_REFUSED: [string, number, string][] = [
  ["::", 128, "unspecified (::)"],
  ["::1", 128, "IPv6 loopback"],
  // An IPv4 address written as IPv6 reaches the IPv4 network: judged as a whole rather than
  // unwrapped, so no IPv4 range above can be reached through this spelling.
  ["::ffff:0:0", 96, "IPv4-mapped IPv6"],
  ["::", 96, "IPv4-compatible IPv6 (deprecated)"],
  ["64:ff9b::", 96, "NAT64 (reaches IPv4 through a gateway)"],
  ["64:ff9b:1::", 48, "local-use NAT64"],
  ["100::", 64, "discard-only"],
  ["2001::", 32, "Teredo (tunnels to IPv4)"],
  ["2001:db8::", 32, "documentation"],
  ["2002::", 16, "6to4 (tunnels to IPv4)"],
  ["fc00::", 7, "unique local (ULA, fc00::/7)"],
  ["fe80::", 10, "IPv6 link-local"],
  ["fec0::", 10, "site-local (deprecated)"],
  ["ff00::", 8, "IPv6 multicast"],
];

// Two lists, because one BlockList judges an IPv4 address against IPv4-mapped IPv6 rules too.
function blockList(entries: [string, number, string][], family: "ipv4" | "ipv6"): { list: BlockList; reasons: [BlockList, string][] } {
  const list = new BlockList();
  const reasons: [BlockList, string][] = [];
  for (const [network, prefix, reason] of entries) {
    list.addSubnet(network, prefix, family);
    const one = new BlockList();
    one.addSubnet(network, prefix, family);
    reasons.push([one, reason]);
  }
  return { list, reasons };
}

const V4 = blockList(IPV4_REFUSED, "ipv4");
const V6 = blockList(IPV6_REFUSED, "ipv6");

/**
 * Why the proxy must not connect to an IP address (which non-public network it is in), or null
 * when the address is on the public internet. Anything that is not an IP address is refused.
 */
export function refusedAddress(address: string): string | null {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return "not an IP address";
  // A zone index (fe80::1%eth0) names an interface of this machine: never public.
  if (bare.includes("%")) return "IPv6 address with a zone index";
  const { list, reasons } = family === 4 ? V4 : V6;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (!list.check(bare, type)) return null;
  return reasons.find(([one]) => one.check(bare, type))?.[1] ?? "reserved";
}
