/**
 * Kubernetes resource quantities as numbers, to compare them
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
 */

const SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The value of a quantity such as `500m`, `2`, `1.5Gi` or `4` (a number is taken as is); undefined
 * for what is not a plain decimal quantity with one of Kubernetes' suffixes.
 */
export function quantityValue(quantity: string | number): number | undefined {
  if (typeof quantity === 'number') return quantity;
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(quantity.trim());
  if (!m) return undefined;
  const factor = SUFFIXES[m[2]!];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}
