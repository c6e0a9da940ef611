import { readFileSync } from 'node:fs';

/**
 * Why a new password is trivially guessable, or null. Length alone lets through passwords
 * every guessing list starts with (`aaaaaaaaaaaa`, `123456789012`, `Summer2024!!!`), so a
 * password is also refused when it is only whitespace, repeats one short unit, walks a
 * sequence or a keyboard row, uses fewer than MIN_DISTINCT_CHARACTERS different characters,
 * or is — once case, spaces, `-`, `_`, `.`, digits and symbols around it and common
 * letter-for-digit swaps are set aside — a word from `common-passwords.txt` (or that word
 * repeated). NIST SP 800-63B asks for exactly this blocklist check instead of composition
 * rules.
 */
export function weakPasswordReason(password: string): string | null {
  if (password.trim() === '') return 'it is only whitespace';
  const compact = password.toLowerCase().replace(/[\s._-]+/g, '');
  const unit = repeatedUnit(compact);
  if (unit !== null) return `it repeats '${unit}'`;
  if (isSequence(compact) || isKeyboardWalk(compact)) {
    return 'it is a sequence of neighbouring characters or keys (like 123456, abcdef or qwerty)';
  }
  const distinct = new Set(compact).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) return `it uses only ${distinct} different characters`;
  const core = compact.replace(/^[^a-z]+|[^a-z]+$/g, '');
  for (const candidate of new Set([compact, core, unLeet(core)])) {
    if (candidate === '') continue;
    const word = repeatedUnit(candidate) ?? candidate;
    if (commonPasswords().has(word)) return 'it is a common password, or a common word with digits or symbols around it';
  }
  return null;
}

export const MIN_DISTINCT_CHARACTERS = 5;

/** The shortest unit `text` is two or more copies of, or null. */
function repeatedUnit(text: string): string | null {
  for (let size = 1; size <= text.length / 2; size++) {
    if (text.length % size === 0 && text.slice(size) === text.slice(0, -size)) return text.slice(0, size);
  }
  return null;
}

/** Every character one code point after (or every one before) its neighbour, digits and letters wrapping around (…8901…, …xyzab…). */
function isSequence(text: string): boolean {
  if (text.length < 3) return false;
  const next = (c: string, step: 1 | -1): string => {
    const ring = /[0-9]/.test(c) ? '0123456789' : /[a-z]/.test(c) ? 'abcdefghijklmnopqrstuvwxyz' : null;
    if (ring === null) return String.fromCodePoint(c.codePointAt(0)! + step);
    return ring[(ring.indexOf(c) + step + ring.length) % ring.length]!;
  };
  return ([1, -1] as const).some((step) => [...text].every((c, i) => i === 0 || next(text[i - 1]!, step) === c));
}

/** Rows and columns of a US keyboard, forwards and backwards. */
const keyboardWalks = [
  '`1234567890-=',
  'qwertyuiop[]\\',
  "asdfghjkl;'",
  'zxcvbnm,./',
  'qwertyuiopasdfghjklzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/',
  'qazwsxedcrfvtgbyhnujmikolp',
];

function isKeyboardWalk(text: string): boolean {
  return keyboardWalks.some((walk) => walk.includes(text) || [...walk].reverse().join('').includes(text));
}

const leet: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
};

function unLeet(text: string): string {
  return [...text].map((c) => leet[c] ?? c).join('');
}

let loaded: ReadonlySet<string> | null = null;

/** The shipped list, one lowercase entry a line; `#` starts a comment. Read once, on first use. */
export function commonPasswords(): ReadonlySet<string> {
  loaded ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((line) =>
        line
          .replace(/#.*/, '')
          .trim()
          .toLowerCase()
          .replace(/[\s._-]+/g, ''),
      )
      .filter(Boolean),
  );
  return loaded;
}
