/**
 * How client names from different systems are compared. The PSA says "Acme Corp.", Xero
 * "ACME Corporation", Partner Center "Acme": one client. `clientMatchKey` reduces a name to
 * what is left once case, accents, punctuation, `&`/"and", a leading "The" and trailing
 * legal suffixes are set aside; names with the same key are the same client when exactly
 * one existing client has that key (client-index.ts). Pure: no I/O.
 */

/**
 * Legal-form suffixes, as they read once dots are removed ("L.L.C." → "llc", "S.A." → "sa").
 * Only dropped at the end of a name, repeatedly ("Acme Pty Ltd", "Acme Co., Ltd."), so
 * "Limited Brands" and "Company X" keep their words.
 */
const legalSuffixes = new Set([
  'inc',
  'incorporated',
  'llc',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'gmbh',
  'ag',
  'kg',
  'sa',
  'sas',
  'spa',
  'bv',
  'nv',
  'pty',
  'pte',
  'llp',
  'lp',
  'pllc',
  'pc',
  'srl',
  'sarl',
  'sl',
  'oy',
  'oyj',
  'ab',
  'as',
  'asa',
  'aps',
  'kk',
  'bhd',
  'sdn',
  'ulc',
]);

/**
 * The loose key of a client name: "ACME Corporation", "Acme Corp." and "The Acme Co." all
 * give "acme"; "Smith & Jones, LLP" gives "smith and jones".
 *
 * @example clientMatchKey('Müller & Söhne GmbH') // 'muller and sohne'
 */
export function clientMatchKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[&+]/g, ' and ')
    // Dots and apostrophes join ("L.L.C." → "llc", "O'Brien" → "obrien"); other punctuation separates.
    .replace(/[.'’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '');
  let start = words[0] === 'the' && words.length > 1 ? 1 : 0;
  let end = words.length;
  // A name is never reduced to nothing: "The Company" stays "company".
  while (end - start > 1 && legalSuffixes.has(words[end - 1]!)) {
    end -= 1;
    // "Smith & Co." leaves a dangling "and".
    if (end - start > 1 && words[end - 1] === 'and') end -= 1;
  }
  if (start >= end) start = 0;
  return words.slice(start, end).join(' ');
}

/**
 * The key a client name is remembered by in `client_aliases`: the name as written, with
 * case and spacing set aside. Narrower than the match key on purpose: a person's decision
 * about "Acme Inc." says nothing about "Acme Industries".
 */
export function clientAliasKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Existing clients that look most like `name` (for "did you mean"): by shared character
 * trigrams of the match keys, best first, at most `limit`, none below a third alike.
 */
export function closestClientNames<T extends { name: string }>(name: string, clients: readonly T[], limit = 3): T[] {
  const target = trigrams(clientMatchKey(name));
  return clients
    .map((client) => ({ client, score: similarity(target, trigrams(clientMatchKey(client.name))) }))
    .filter((scored) => scored.score >= 1 / 3)
    .sort((a, b) => b.score - a.score || a.client.name.localeCompare(b.client.name))
    .slice(0, limit)
    .map((scored) => scored.client);
}

function trigrams(key: string): Set<string> {
  const padded = `  ${key} `;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return grams;
}

/** Dice coefficient of two trigram sets. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}
