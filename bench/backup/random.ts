// Deterministic pseudo-random data for the generated state, so that every run backs up the same
// tree (same file set, sizes and compressibility) and churns the same files.

/** mulberry32: tiny, fast, good enough for picking files and words. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  /** Log-normal with the given median; sigma ≈ 1 gives the long tail of real file sizes. */
  logNormal(median: number, sigma: number): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * z);
  }

  hex(length: number): string {
    let out = "";
    while (out.length < length)
      out += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, "0");
    return out.slice(0, length);
  }

  /** Incompressible bytes (media, embeddings), fast: 32 bits per step. */
  bytes(length: number): Buffer {
    const words = new Uint32Array(Math.ceil(length / 4));
    for (let i = 0; i < words.length; i++) words[i] = Math.floor(this.next() * 0x100000000);
    return Buffer.from(words.buffer, 0, length);
  }
}

const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ne",
  "ru",
  "sa",
  "te",
  "vi",
  "zo",
  "an",
  "el",
  "is",
  "or",
  "un",
  "bra",
  "cle",
  "dri",
  "fro",
  "gla",
  "pre",
  "sto",
  "tri",
  "ver",
  "xen",
];

/**
 * Prose-like text from a fixed vocabulary of pseudo-words: it compresses about as well as the
 * English in session logs and notes (roughly 3× with gzip), which is what makes tar.gz look good.
 */
export class TextSource {
  private readonly corpus: string;

  constructor(rng: Rng, corpusChars = 4 * 1024 * 1024) {
    const vocabulary: string[] = [];
    for (let i = 0; i < 4000; i++) {
      let word = "";
      const n = rng.int(1, 4);
      for (let j = 0; j < n; j++) word += rng.pick(SYLLABLES);
      vocabulary.push(word);
    }
    // Zipf-like: common words much more frequent, as in real text.
    const weighted = (): string => {
      const word = vocabulary[Math.floor(vocabulary.length * Math.pow(rng.next(), 2.2))];
      if (word === undefined) throw new Error("empty vocabulary");
      return word;
    };
    const parts: string[] = [];
    let length = 0;
    while (length < corpusChars) {
      const words = rng.int(6, 24);
      const sentence: string[] = [];
      for (let k = 0; k < words; k++) sentence.push(weighted());
      const s = `${sentence.join(" ")}${rng.pick([".", ".", ".", "?", "!", ":"])} `;
      parts.push(s.charAt(0).toUpperCase() + s.slice(1));
      length += s.length;
    }
    this.corpus = parts.join("");
  }

  /** About `chars` characters of text starting at a random place in the corpus. */
  take(rng: Rng, chars: number): string {
    const n = Math.max(1, Math.min(Math.floor(chars), this.corpus.length - 1));
    const start = Math.floor(rng.next() * (this.corpus.length - n));
    return this.corpus.slice(start, start + n);
  }
}
