/**
 * The benchmark's input (TAILING.md "Benchmark against mtail"): a seeded generator of lines of
 * 40-200 bytes, 20 % `players: N/50`, 10 % join/leave, 1 % ERROR, the rest filler. Each line
 * carries a sequence number so lost and duplicated lines can be counted.
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILLER = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco laboris'.repeat(3);

export interface GeneratedLine {
  text: string;
  /** `players: N/50` lines: N. */
  players?: number;
}

export function lineGenerator(seed: number): (seq: number) => GeneratedLine {
  const random = seededRandom(seed);
  return (seq) => {
    const r = random();
    const stamp = `2026-01-02 03:04:05 seq=${String(seq).padStart(9, '0')}`;
    if (r < 0.2) {
      const players = Math.floor(random() * 51);
      return { text: `${stamp} players: ${players}/50`, players };
    }
    if (r < 0.3) return { text: `${stamp} player${Math.floor(random() * 1000)} ${r < 0.25 ? 'joined' : 'left'} the server` };
    if (r < 0.31) return { text: `${stamp} ERROR something failed: code ${Math.floor(random() * 100)}` };
    const length = 40 + Math.floor(random() * 161) - stamp.length - 1;
    const from = Math.floor(random() * (FILLER.length - 200));
    return { text: `${stamp} ${FILLER.slice(from, from + Math.max(1, length))}` };
  };
}
