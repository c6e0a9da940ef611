import { createRandom } from '../../src/explain/bootstrap.js';

/** `count` standard-normal draws (Box–Muller over the seeded generator), for tests. */
export function normalSample(seed: number, count: number, mean = 0, sd = 1): number[] {
  const random = createRandom(seed);
  const out: number[] = [];
  while (out.length < count) {
    const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out.push(mean + sd * r * Math.cos(2 * Math.PI * v));
    if (out.length < count) out.push(mean + sd * r * Math.sin(2 * Math.PI * v));
  }
  return out;
}
