/**
 * Value-level validators shared by the stack config schema. Each returns a
 * message fragment that tells the user how to fix the value, because the
 * loader prefixes it with the full config path.
 */

// Kubernetes resource.Quantity grammar (apimachinery/pkg/api/resource).
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Label(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS1123_LABEL.test(value);
}

// RFC 1123 subdomain, as Kubernetes uses for most object names.
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && value.split(".").every((part) => DNS1123_LABEL.test(part));
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function isEnvVarName(value: string): boolean {
  return ENV_NAME.test(value);
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isImageDigest(value: string): boolean {
  return DIGEST.test(value);
}

// OCI tag grammar (distribution/reference).
const TAG = /^[\w][\w.-]{0,127}$/;

export function isImageTag(value: string): boolean {
  return TAG.test(value);
}

/** IPv4 or IPv6 CIDR, as NetworkPolicy ipBlock.cidr accepts. */
export function isCidr(value: string): boolean {
  const [addr, bits, ...rest] = value.split("/");
  if (addr === undefined || rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  if (addr.includes(":")) return prefix <= 128 && /^[0-9a-fA-F:]+$/.test(addr) && addr.split("::").length <= 2;
  const octets = addr.split(".");
  return prefix <= 32 && octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** Edit distance counting an adjacent transposition as one edit ("imgae" → "image" is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const cell = (i: number, j: number): number => {
    const value = d[i]?.[j];
    if (value === undefined) throw new Error(`edit distance table has no cell ${i},${j}`);
    return value;
  };
  for (const [i, row] of d.entries()) {
    if (i === 0) continue;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(cell(i - 1, j) + 1, cell(i, j - 1) + 1, cell(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(cell(i, j), cell(i - 2, j - 2) + 1);
    }
  }
  return cell(a.length, b.length);
}

export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Only suggest when the typo is small relative to the word.
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1035 label: what Kubernetes requires of Service names (it must start with a letter). */
export function isDns1035Label(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS1035_LABEL.test(value);
}

const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * A label or annotation key as the API server checks it
 * (apimachinery IsQualifiedName): an optional DNS subdomain prefix and `/`,
 * then a name of at most 63 alphanumerics, '-', '_' or '.'.
 */
export function isQualifiedName(value: string): boolean {
  const slash = value.lastIndexOf("/");
  const prefix = slash < 0 ? undefined : value.slice(0, slash);
  const name = slash < 0 ? value : value.slice(slash + 1);
  if (prefix !== undefined && (prefix === "" || !isDns1123Subdomain(prefix))) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

/** A label value (apimachinery IsValidLabelValue): empty, or at most 63 alphanumerics, '-', '_' or '.'. */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && QUALIFIED_NAME_PART.test(value));
}

/** A port name (IANA_SVC_NAME): at most 15 lowercase alphanumerics and '-', a letter among them, no '--', no '-' at either end. */
export function isPortName(value: string): boolean {
  return (
    value.length > 0 && value.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) && /[a-z]/.test(value) && !value.includes("--")
  );
}

const QUANTITY_SUFFIX: Readonly<Record<string, number>> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
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

/** The value of a Kubernetes quantity as a number (precise enough to compare two quantities), or undefined. */
export function quantityValue(value: string): number | undefined {
  if (!isQuantity(value)) return undefined;
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(value);
  if (match === null) return undefined;
  const scale = QUANTITY_SUFFIX[match[2] ?? ""];
  return scale === undefined ? undefined : Number(match[1]) * scale;
}

// distribution/reference: an optional registry host (with port), then lowercase path components.
const REPOSITORY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** An image repository without tag or digest, e.g. `ghcr.io/openclaw/openclaw`. */
export function isImageRepository(value: string): boolean {
  return value.length <= 255 && REPOSITORY.test(value);
}

/** A full image reference: `repository[:tag][@sha256:…]`. */
export function isImageReference(value: string): boolean {
  const at = value.indexOf("@");
  const name = at < 0 ? value : value.slice(0, at);
  if (at >= 0 && !isImageDigest(value.slice(at + 1))) return false;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon > slash) return isImageRepository(name.slice(0, colon)) && isImageTag(name.slice(colon + 1));
  return isImageRepository(name);
}
