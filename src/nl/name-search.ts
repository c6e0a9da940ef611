/**
 * Names within a few typos of a typed word, without comparing it with every name.
 *
 * The names are kept sorted, so names that share a beginning ("golden capital", "golden
 * crest") sit together, and the edit-distance table of the typed word against a name is
 * built one row per letter of the name: the rows of a shared beginning are computed once
 * and kept for the next name (a trie walked with the distance table, stored as a sorted
 * list). When every cell of a row is past the limit, no name with that beginning can come
 * within it, and the whole block of names is skipped. With 10,000 client names a typo
 * search reads a few hundred beginnings instead of 10,000 names.
 *
 * The distance is the one `editDistance` (tokenize.ts) computes — optimal string alignment,
 * a swap of two neighbouring letters counting as one typo — so a search finds exactly the
 * names `editDistance(typed, name) <= limit` accepts, with the same distances.
 */

export interface NameList {
  /** The names, sorted by code unit. */
  keys: string[];
  /** What each name stands for, in the order of `keys` (the caller's own index). */
  ids: number[];
  /** `shared[n]`: how many leading characters `keys[n]` has in common with `keys[n - 1]`. */
  shared: Int32Array;
  longest: number;
}

export function nameListOf(entries: ReadonlyArray<{ key: string; id: number }>): NameList {
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id));
  const keys = sorted.map((e) => e.key);
  const shared = new Int32Array(keys.length);
  let longest = 0;
  for (let n = 0; n < keys.length; n++) {
    const key = keys[n]!;
    longest = Math.max(longest, key.length);
    if (n === 0) continue;
    const previous = keys[n - 1]!;
    let common = 0;
    while (common < key.length && common < previous.length && key.charCodeAt(common) === previous.charCodeAt(common)) common++;
    shared[n] = common;
  }
  return { keys, ids: sorted.map((e) => e.id), shared, longest };
}

/** The positions [from, to) of the names that start with `prefix`. */
export function rangeStartingWith(list: NameList, prefix: string): [number, number] {
  const from = lowerBound(list.keys, prefix);
  let to = from;
  while (to < list.keys.length && list.keys[to]!.startsWith(prefix)) to++;
  return [from, to];
}

function lowerBound(keys: string[], value: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export interface NameSearch {
  /** Only names within this many typos are reported. */
  limit: number;
  /** Only names starting with this (e.g. the typed word's first letter). */
  startingWith?: string;
  /**
   * Called for every name within the limit, in sorted order, with its id and distance. May
   * return a smaller limit for the rest of the search (a "closest three" search tightens it
   * as it finds names): names already reported stay reported.
   */
  found: (id: number, distance: number) => number | void;
}

/**
 * Reports every name of `list` within `search.limit` typos of `typed` (see the file comment).
 * Returns how many rows of the distance table it filled: the work done, where comparing the
 * typed word with every name fills as many rows as the names have letters.
 */
export function searchNames(list: NameList, typed: string, search: NameSearch): number {
  let limit = search.limit;
  if (limit < 0) return 0;
  const [from, to] = search.startingWith === undefined ? [0, list.keys.length] : rangeStartingWith(list, search.startingWith);
  const columns = typed.length + 1;
  // Cells are capped at the first limit + 1: a larger value can never come back within the limit.
  const cap = limit + 1;
  const rows = new Int32Array((list.longest + 1) * columns);
  for (let j = 0; j < columns; j++) rows[j] = Math.min(j, cap);
  const typedCodes = new Int32Array(typed.length);
  for (let j = 0; j < typed.length; j++) typedCodes[j] = typed.charCodeAt(j);

  // Rows 0..valid are those of the current name's first `valid` characters.
  let valid = 0;
  let filled = 0;
  let n = from;
  while (n < to) {
    const key = list.keys[n]!;
    let depth = n === from ? 0 : Math.min(valid, list.shared[n]!);
    let skipped = false;
    while (depth < key.length) {
      depth++;
      filled++;
      const rowMinimum = fillRow(rows, columns, depth, key, typedCodes, cap);
      if (rowMinimum > limit) {
        // No name beginning with key[0, depth) comes within the limit: skip them all.
        valid = depth;
        let next = n + 1;
        while (next < to && list.shared[next]! >= depth) next++;
        // The next name shares with this one the least of the shared lengths skipped over,
        // which is its own (every skipped one shared at least `depth`).
        n = next;
        skipped = true;
        break;
      }
    }
    if (skipped) continue;
    valid = key.length;
    const distance = rows[key.length * columns + typed.length]!;
    if (distance <= limit) {
      const tighter = search.found(list.ids[n]!, distance);
      if (typeof tighter === 'number' && tighter < limit) limit = tighter;
    }
    n++;
  }
  return filled;
}

/** Row `i` of the distance table (name letter i against every typed letter); returns its smallest cell. */
function fillRow(rows: Int32Array, columns: number, i: number, key: string, typed: Int32Array, cap: number): number {
  const row = i * columns;
  const above = row - columns;
  const twoAbove = above - columns;
  const letter = key.charCodeAt(i - 1);
  const letterBefore = i > 1 ? key.charCodeAt(i - 2) : -1;
  let left = i < cap ? i : cap;
  let diagonal = rows[above]!;
  let minimum = left;
  rows[row] = left;
  for (let j = 1; j < columns; j++) {
    const up = rows[above + j]!;
    const typedLetter = typed[j - 1]!;
    let value = letter === typedLetter ? diagonal : diagonal + 1;
    if (up + 1 < value) value = up + 1;
    if (left + 1 < value) value = left + 1;
    // A swap of two neighbouring letters is one typo.
    if (j > 1 && letterBefore === typedLetter && letter === typed[j - 2]) {
      const swapped = rows[twoAbove + j - 2]! + 1;
      if (swapped < value) value = swapped;
    }
    if (value > cap) value = cap;
    rows[row + j] = value;
    if (value < minimum) minimum = value;
    left = value;
    diagonal = up;
  }
  return minimum;
}
