/**
 * Heuristics for values that must not sit in plain text: names that say
 * "secret" and strings shaped like well-known credentials.
 */

// Words that make a name secret-looking, matched against its words (split on _ . - and camelCase).
const SECRET_WORDS = new Set([
  "token",
  "secret",
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "credential",
  "credentials",
  "apikey",
  "privatekey",
]);
const SECRET_PAIRS: readonly (readonly [string, string])[] = [
  ["api", "key"],
  ["private", "key"],
  ["access", "key"],
  ["secret", "key"],
  ["signing", "key"],
  ["encryption", "key"],
];
// A name ending in one of these points at a secret (a file, a Secret's name) rather than holding it.
const REFERENCE_SUFFIXES = new Set([
  "file",
  "path",
  "dir",
  "name",
  "ref",
  "id",
  "arn",
  "url",
  "kind",
  "type",
  "mode",
  "enabled",
  "length",
  "ttl",
  "header",
  "env",
]);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** True for names such as API_TOKEN, dbPassword, OPENAI_API_KEY, or `key`; false for TOKEN_FILE or KMS_KEY_ID. */
export function isSecretLookingName(name: string): boolean {
  const parts = words(name);
  const last = parts.at(-1);
  if (last === undefined || REFERENCE_SUFFIXES.has(last)) return false;
  if (parts.some((w) => SECRET_WORDS.has(w))) return true;
  if (parts[parts.length - 1] === "key") return true;
  return SECRET_PAIRS.some(([a, b]) => parts.some((w, i) => w === a && parts[i + 1] === b));
}

const CREDENTIAL_SHAPES: readonly (readonly [string, RegExp])[] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a private key", /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/],
  ["a GitHub token", /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/],
  ["a Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/],
  ["an API key (sk-…)", /\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}\b/],
  ["a Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["a Stripe key", /\b[rs]k_live_[0-9A-Za-z]{16,}\b/],
  ["a JSON Web Token", /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ["a URL with a password", /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
];

/** What credential a string looks like, or undefined. */
export function credentialShape(value: string): string | undefined {
  return CREDENTIAL_SHAPES.find(([, pattern]) => pattern.test(value))?.[0];
}

/**
 * A literal is harmless when it is empty or only refers to a value that lives
 * elsewhere: an env reference (`$(VAR)`, `${VAR}`) or a path to a mounted file.
 */
export function isReferenceValue(value: string): boolean {
  const trimmed = value.trim();
  return trimmed === "" || /^\$(\([A-Za-z_][A-Za-z0-9_]*\)|\{[A-Za-z_][A-Za-z0-9_]*\})$/.test(trimmed) || /^\/[^\s]*$/.test(trimmed);
}

/** Why a name/value pair is a plain-text secret, or undefined. */
export function plaintextSecretReason(name: string, value: string): string | undefined {
  const shape = credentialShape(value);
  if (shape !== undefined) return `holds what looks like ${shape}`;
  if (isSecretLookingName(name) && !isReferenceValue(value)) return "has a secret-looking name and a literal value";
  return undefined;
}

/** Walks a parsed JSON/YAML document and reports every secret-looking leaf, with its path. */
export function secretsInDocument(value: unknown, path: string, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item, i) => secretsInDocument(item, `${path}[${i}]`, out));
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const child = `${path}.${key}`;
      if (typeof item === "string") {
        const reason = plaintextSecretReason(key, item);
        if (reason !== undefined) out.push(`${child} ${reason}`);
      } else if (typeof item === "number" && isSecretLookingName(key)) {
        out.push(`${child} has a secret-looking name and a literal value`);
      } else secretsInDocument(item, child, out);
    }
  }
  return out;
}
