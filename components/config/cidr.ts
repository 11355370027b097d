/** Just enough CIDR arithmetic for NetworkPolicy `ipBlock.except`, which must lie inside its `cidr`. */

interface Block {
  readonly v6: boolean;
  readonly start: bigint;
  readonly bits: number;
}

function parseAddress(address: string): { v6: boolean; value: bigint } {
  if (!address.includes(":")) {
    return { v6: false, value: address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n) };
  }
  const [head, tail] = address.split("::");
  const groups = (part: string | undefined) => (part === undefined || part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return { v6: true, value: all.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n) };
}

function parseBlock(cidr: string): Block {
  const [address, bits] = cidr.split("/");
  if (address === undefined) throw new Error(`${JSON.stringify(cidr)} is not a CIDR block`);
  const { v6, value } = parseAddress(address);
  const width = v6 ? 128 : 32;
  const prefix = Number(bits);
  const mask = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - prefix)) - 1n);
  return { v6, start: value & mask, bits: prefix };
}

export function isIPv6Cidr(cidr: string): boolean {
  return cidr.includes(":");
}

/** Whether `inner` lies strictly inside `outer` (same family, longer prefix, same network bits). */
export function strictlyInside(inner: string, outer: string): boolean {
  const a = parseBlock(inner);
  const b = parseBlock(outer);
  if (a.v6 !== b.v6 || a.bits <= b.bits) return false;
  const width = a.v6 ? 128 : 32;
  return a.start >> BigInt(width - b.bits) === b.start >> BigInt(width - b.bits);
}

/** Whether the two blocks share any address. */
export function overlaps(x: string, y: string): boolean {
  const a = parseBlock(x);
  const b = parseBlock(y);
  if (a.v6 !== b.v6) return false;
  const width = a.v6 ? 128 : 32;
  const shortest = BigInt(width - Math.min(a.bits, b.bits));
  return a.start >> shortest === b.start >> shortest;
}
