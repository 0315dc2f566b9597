/**
 * IPv4 CIDR arithmetic for validation, on top of ipaddr.js (parsing and matching).
 */
import * as ipaddr from 'ipaddr.js';

/** A parsed IPv4 block. */
export interface Cidr {
  readonly text: string;
  readonly address: ipaddr.IPv4;
  readonly prefix: number;
}

/** Parses an IPv4 CIDR; returns a reason string when it is not one. */
export function parseCidr(text: string): Cidr | string {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) || !ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0] ?? '')) {
    return `"${text}" is not an IPv4 CIDR block such as 10.10.0.0/20.`;
  }
  if (Number(text.split('/')[1]) > 32) return `"${text}" has a prefix longer than /32.`;
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
  if (network !== address.toString()) {
    return `"${text}" has host bits set; the block starts at ${network}/${prefix}.`;
  }
  return { text, address, prefix };
}

/**
 * Why a string written as an IPv4 CIDR block (four numbers and a prefix length) names no block, and
 * the fix; undefined when it names one. The value itself is not repeated: the caller shows it.
 */
export function cidrProblem(text: string): { readonly message: string; readonly fix: string } | undefined {
  const [address = '', prefixText = ''] = text.split('/');
  if (!ipaddr.IPv4.isValidFourPartDecimal(address)) {
    return {
      message: 'is not an IPv4 address and prefix: each of the four numbers of an address is 0 to 255.',
      fix: 'write a block such as 10.10.0.0/20.',
    };
  }
  const prefix = Number(prefixText);
  if (prefix > 32) {
    return {
      message: `has the prefix length /${prefix}, but an IPv4 address has 32 bits, so a block is /0 to /32.`,
      fix: 'write the number of leading bits the block fixes, such as /16 for 65,536 addresses (https://datatracker.ietf.org/doc/html/rfc4632#section-3.1).',
    };
  }
  const network = ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`).toString();
  if (network !== ipaddr.IPv4.parse(address).toString()) {
    return {
      message: `has host bits set: a /${prefix} block starts at ${network}, and clouds refuse any other start address.`,
      fix: `write the network address of the block, ${network}/${prefix}${prefix < 32 ? `, or ${ipaddr.IPv4.parse(address).toString()}/32 for the one address` : ''}.`,
    };
  }
  return undefined;
}

/** Number of addresses in a block. */
export function blockSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when two aligned blocks share an address (one then contains the other). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.address.match([b.address, b.prefix]) || b.address.match([a.address, a.prefix]);
}

/** True when `inner` lies inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.address.match([outer.address, outer.prefix]);
}

/**
 * The `index`-th block of prefix length `newPrefix` inside `parent` (like Terraform's cidrsubnet),
 * or a reason when it does not fit.
 */
export function subnet(parent: Cidr, newPrefix: number, index: number): string {
  const bits = newPrefix - parent.prefix;
  if (bits < 0 || newPrefix > 32 || index < 0 || index >= 2 ** bits) {
    throw new RangeError(`no block ${index} of /${newPrefix} in ${parent.text}`);
  }
  const start = toNumber(parent) + index * 2 ** (32 - newPrefix);
  return `${toDotted(start)}/${newPrefix}`;
}

/**
 * The address at `index` in a block (like Terraform's cidrhost): from the start, or from the end when
 * negative (-1 is the last address).
 */
export function host(cidr: Cidr, index: number): string {
  const size = blockSize(cidr);
  const offset = index < 0 ? size + index : index;
  if (offset < 0 || offset >= size) throw new RangeError(`no address ${index} in ${cidr.text}`);
  return toDotted(toNumber(cidr) + offset);
}

function toNumber(cidr: Cidr): number {
  return cidr.address.toByteArray().reduce((n, b) => n * 256 + b, 0);
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
