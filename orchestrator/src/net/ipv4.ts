// IPv4 arithmetic on 32-bit unsigned numbers: parsing, formatting and subnet relations.

/** An IPv4 subnet as a 32-bit base address and a prefix length. */
export interface Cidr {
  base: number;
  prefix: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses `10.0.0.1`; returns null unless it is four decimal octets of 0..255. */
export function parseAddress(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; reason: string };

/** Parses `10.0.0.0/24`, refusing host bits: `10.0.0.1/24` is a mistake worth naming. */
export function parseCidr(text: string): CidrParse {
  const match = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text.trim());
  if (!match) return { ok: false, reason: `'${text}' is not an IPv4 subnet like 10.0.0.0/24` };
  const base = parseAddress(match[1] as string);
  const prefix = Number(match[2]);
  if (base === null || prefix > 32) {
    return { ok: false, reason: `'${text}' is not an IPv4 subnet like 10.0.0.0/24` };
  }
  const aligned = networkAddress(base, prefix);
  if (aligned !== base) {
    return {
      ok: false,
      reason: `'${text}' has host bits set; did you mean ${formatAddress(aligned)}/${prefix}?`,
    };
  }
  return { ok: true, cidr: { base, prefix } };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.base)}/${cidr.prefix}`;
}

export function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function networkAddress(address: number, prefix: number): number {
  const blockSize = 2 ** (32 - prefix);
  return address - (address % blockSize);
}

export function contains(cidr: Cidr, address: number): boolean {
  return address >= cidr.base && address < cidr.base + size(cidr);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/**
 * Parses a subnet as other software reports it, clearing any host bits (`10.0.0.1/24` is
 * 10.0.0.0/24): for subnets we must avoid rather than create, being lenient is the safe side.
 */
export function parseCidrLoose(text: string): Cidr | null {
  const match = /^([0-9.]+)\/([0-9]{1,2})$/.exec(text.trim());
  if (!match) return null;
  const address = parseAddress(match[1] as string);
  const prefix = Number(match[2]);
  if (address === null || prefix > 32) return null;
  return { base: networkAddress(address, prefix), prefix };
}

/**
 * Parses a host part written as the low octets of an address: `.53` is 53, `.1.5` is 261 (as in
 * 10.10.1.5 inside 10.10.0.0/16). Returns null unless it is one to three octets of 0..255.
 */
export function parseHostPart(text: string): number | null {
  if (!text.startsWith(".")) return null;
  const parts = text.slice(1).split(".");
  if (parts.length > 3) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}
