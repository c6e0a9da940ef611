/**
 * Question text as the parser reads it: one case, one kind of apostrophe, possessives and
 * punctuation gone, but numbers, `%`, `$`, dates and comparison signs kept. Each later step
 * (period, entities, numbers) consumes what it recognised by blanking it out, so the next
 * step never reads the same words twice.
 */

/**
 * Shorthand staff type that the later steps read in one spelling: "lic" is license, "accts"
 * accounts, "w/" with, "qtr" quarter. Whole words only, so no name is cut into.
 */
const shorthand: Array<[RegExp, string]> = [
  [/(?<=\s)w\/o(?=\s)/g, 'without'],
  [/(?<=\s)w\/(?=\s|[a-z])/g, 'with '],
  [/(?<=\s)lics?(?=\s)/g, 'license'],
  [/(?<=\s)accts?(?=\s)/g, 'accounts'],
  [/(?<=\s)custs?(?=\s)/g, 'customers'],
  [/(?<=\s)(?:qtrs?|quarters)(?=\s)/g, 'quarter'],
  [/(?<=\s)(?:yrs?)(?=\s)/g, 'year'],
  [/(?<=\s)(?:pls|plz|thx)(?=\s)/g, ' '],
  [/(?<=\s)(?:tho)(?=\s)/g, ' '],
];

/** Lower-case text with possessives removed and punctuation spaced out; `$40,000` → `$40000`. */
export function normalizeQuestion(question: string): string {
  let text = ` ${basicNormalize(question)} `;
  for (const [pattern, replacement] of shorthand) text = text.replace(pattern, replacement);
  return ` ${text.replace(/\s+/g, ' ').trim()} `;
}

function basicNormalize(question: string): string {
  return `${question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    // Thousands separators inside numbers: 40,000 → 40000 (a list "a, b" keeps its space).
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    // Possessives: "ceedar foods' ehr", "acme's margin".
    .replace(/([a-z0-9])'s\b/g, '$1')
    .replace(/([a-z])s'(?=\s|$|[?.!,:;])/g, '$1s')
    .replace(/&/g, ' and ')
    .replace(/[?!,;:()[\]{}"]/g, ' ')
    // A full stop ends a word unless it sits inside a number (1.5, 0.25).
    .replace(/\.(?!\d)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()}`;
}

/** Blank out [start, end) with spaces, so offsets of the rest stay valid. */
export function consume(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

/** The words left in `text`, in order. */
export function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** Name key: lower case, letters and digits only, single spaces ("Delta Dental, Inc." → "delta dental inc"). */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019']/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions):
 * "fodos" → "foods" is 1, as a person counts a typo. Stops early past `limit`.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prevPrev = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const current = new Array<number>(cols).fill(0);
    current[0] = i;
    let best = current[0];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, current[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, prevPrev[j - 2]! + 1);
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    prevPrev = prev;
    prev = current;
  }
  return prev[cols - 1]!;
}

/** How many typos a word or name of this length may carry and still be recognised. */
export function typoAllowance(length: number): number {
  if (length >= 10) return 2;
  if (length >= 5) return 1;
  return 0;
}

/** Numbers written as words in questions ("last six months", "top ten", "a dozen"). */
const numberWords: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  dozen: 12,
  'a dozen': 12,
  fifteen: 15,
  eighteen: 18,
  twenty: 20,
  'twenty four': 24,
  thirty: 30,
  ninety: 90,
};

/** A count written in digits or words ("5", "five", "twenty-four"); null when it is neither. */
export function numberOf(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  return numberWords[text.replace('-', ' ')] ?? null;
}
