import { aliasIndexOf } from './alias-index.js';
import { rangeStartingWith, searchNames } from './name-search.js';
import { nameKey, typoAllowance } from './tokenize.js';
import type { VocabularyRows } from './vocabulary-repository.js';

/**
 * Names in a question matched against the current data: clients, staff, products, vendors
 * and industries, whatever the case and punctuation, with or without a possessive or a
 * legal suffix (Inc, LLC, Co, Ltd, Group, Corp…), with a typo or two (Damerau distance,
 * more for longer names), or by a first word only one of them has ("Zenith"). A first word
 * several share ("Maple") is ambiguous: the caller asks which one was meant.
 */

export type EntityKind = 'client' | 'staff' | 'product' | 'vendor' | 'industry';

export interface Entity {
  kind: EntityKind;
  /** What the metric layer filters on: client id, staff name, product, vendor, industry as stored. */
  value: string;
  /** The name as in the data. */
  name: string;
}

export interface EntityMatch {
  entity: Entity;
  /** The words of the question that named it. */
  typed: string;
  how: 'exact' | 'typo' | 'partial';
}

export interface AmbiguousName {
  typed: string;
  candidates: Entity[];
}

export interface Alias {
  entity: Entity;
  key: string;
  words: number;
}

export interface Vocabulary {
  aliases: Alias[];
  /** Leading words of multi-word names (client, staff, product) → the entities that start so. */
  prefixes: Map<string, Entity[]>;
  /** Trailing words of product names ("e3", "business premium") → products. */
  suffixes: Map<string, Entity[]>;
  clients: VocabularyRows['clients'];
}

/** Words that end a company name without telling companies apart. */
export const legalSuffixes = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'pllc',
  'co',
  'company',
  'ltd',
  'limited',
  'group',
  'corp',
  'corporation',
  'plc',
  'gmbh',
  'pty',
  'lp',
  'sa',
  'ag',
  'the',
]);

/** Other ways MSP staff name industries and vendors; used only where the canonical name exists in the data. */
const industrySynonyms: Record<string, string[]> = {
  healthcare: ['health care', 'medical', 'healthcare clients'],
  legal: ['law firms', 'law firm', 'legal services'],
  finance: ['financial', 'financial services', 'banking', 'fin services'],
  manufacturing: ['manufacturers', 'manufacturer', 'mfg'],
  'real estate': ['realestate', 'real-estate', 'property', 'properties'],
  nonprofit: ['non profit', 'non-profit', 'nonprofits', 'charity', 'charities', 'npo'],
  technology: ['tech', 'software', 'it companies'],
  education: ['schools', 'school', 'edu', 'universities'],
  construction: ['builders', 'contractors'],
  retail: ['retailers', 'shops', 'stores'],
};
const vendorSynonyms: Record<string, string[]> = {
  microsoft: ['ms', 'msft', 'm365', 'o365', 'office 365', 'microsoft 365'],
  sentinelone: ['sentinel one', 's1'],
  adobe: ['acrobat'],
  zoom: [],
  datto: [],
};

/** Words that are never the start of a name here (they are the question's own words). */
export const questionWords = new Set(
  (
    'a an the and or of for in on at to by with from since during vs versus compare comparison between what which who whose whom how much many ' +
    'is are was were be been do does did we our us me my you your i show list give tell get find see display break down breakdown split ' +
    'top bottom best worst highest lowest most least more less than over under above below each every all per total overall ' +
    'client clients customer customers account accounts staff team member members tech techs technician technicians people employee employees ' +
    'industry industries vendor vendors product products month months monthly quarter year year week day by has have had having ' +
    'than lost losing money it its this that these those there their them they so far still now ' +
    'number count average avg mean rate ratio percent percentage pct share seats seat licenses license licence licences ' +
    'hours hrs hour revenue rev sales margin profit cost costs waste unused billable utilization util active churned inactive ' +
    'why explain low high good bad please can could would should will just only also much any some one two three four five six seven eight nine ten'
  ).split(' '),
);

/** The aliases so far and what they name (kind, value, key), so a repeat is found without scanning them all. */
interface AliasList {
  aliases: Alias[];
  seen: Set<string>;
}

function addAlias(list: AliasList, entity: Entity, name: string): void {
  const key = stripSuffixes(nameKey(name).split(' ')).join(' ');
  if (!key) return;
  const identity = `${entity.kind}\u0000${entity.value}\u0000${key}`;
  if (list.seen.has(identity)) return;
  list.seen.add(identity);
  list.aliases.push({ entity, key, words: key.split(' ').length });
}

/** "delta dental inc" → "delta dental"; a name that is only a suffix ("Group") keeps it. */
export function stripSuffixes(words: string[]): string[] {
  const out = [...words];
  while (out.length > 1 && legalSuffixes.has(out[out.length - 1]!)) out.pop();
  return out;
}

/** Entities by word(s), each entity once per key: `seen` holds what was added, as checking the list grew with it. */
function addTo(map: Map<string, Entity[]>, seen: Set<string>, key: string, entity: Entity): void {
  const identity = `${key}\u0000${entity.kind}\u0000${entity.value}`;
  if (seen.has(identity)) return;
  seen.add(identity);
  const list = map.get(key);
  if (list) list.push(entity);
  else map.set(key, [entity]);
}

export function buildVocabulary(rows: VocabularyRows): Vocabulary {
  const aliases: AliasList = { aliases: [], seen: new Set() };
  const prefixes = new Map<string, Entity[]>();
  const suffixes = new Map<string, Entity[]>();
  const seenPrefixes = new Set<string>();
  const seenSuffixes = new Set<string>();
  // Client ids are the table's key, so a client met for the first time has no name here yet and
  // its names go in unchecked (10,000 clients: the checks were most of building); only a
  // repeated id, possible in hand-built rows, is checked against what is there.
  const clientIds = new Set<string>();
  for (const client of rows.clients) {
    const entity: Entity = { kind: 'client', value: client.id, name: client.name };
    const repeated = clientIds.has(client.id);
    clientIds.add(client.id);
    const words = stripSuffixes(nameKey(client.name).split(' '));
    const key = words.join(' ');
    if (key && !(repeated && aliases.aliases.some((a) => a.key === key && sameEntity(a.entity, entity)))) {
      aliases.aliases.push({ entity, key, words: words.length });
    }
    // "Zenith" for Zenith Labs Ltd: one or two leading words.
    for (let n = 1; n < words.length && n <= 2; n++) {
      const prefix = n === 1 ? words[0]! : `${words[0]} ${words[1]}`;
      const list = prefixes.get(prefix);
      if (!list) prefixes.set(prefix, [entity]);
      else if (!(repeated && list.some((e) => sameEntity(e, entity)))) list.push(entity);
    }
  }
  for (const staff of rows.staff) {
    const entity: Entity = { kind: 'staff', value: staff, name: staff };
    addAlias(aliases, entity, staff);
    const words = nameKey(staff).split(' ');
    // A first name or a surname alone ("Casey", "Novak") when only one person has it.
    if (words.length > 1) for (const word of words) addTo(prefixes, seenPrefixes, word, entity);
  }
  const vendors = new Set<string>();
  for (const { product, vendor } of rows.products) {
    const entity: Entity = { kind: 'product', value: product, name: product };
    addAlias(aliases, entity, product);
    const key = nameKey(product);
    for (const [long, shorts] of [['microsoft 365', ['m365', 'o365', 'office 365', 'ms365', 'ms 365']]] as const) {
      if (key.startsWith(long)) for (const short of shorts) addAlias(aliases, entity, key.replace(long, short));
    }
    const words = key.split(' ');
    for (let n = 1; n < words.length; n++) {
      const tail = words.slice(words.length - n).join(' ');
      // A one-word tail names a product only when it is distinctive ("e3"), not "pro" or "1".
      if (n > 1 || (/\d/.test(tail) && tail.length > 1)) addTo(suffixes, seenSuffixes, tail, entity);
    }
    if (vendor) vendors.add(vendor);
  }
  for (const vendor of vendors) {
    const entity: Entity = { kind: 'vendor', value: vendor, name: vendor };
    addAlias(aliases, entity, vendor);
    for (const synonym of vendorSynonyms[nameKey(vendor)] ?? []) addAlias(aliases, entity, synonym);
  }
  for (const industry of rows.industries) {
    const entity: Entity = { kind: 'industry', value: industry, name: industry };
    addAlias(aliases, entity, industry);
    for (const synonym of industrySynonyms[nameKey(industry)] ?? []) addAlias(aliases, entity, synonym);
  }
  return { aliases: aliases.aliases, prefixes, suffixes, clients: rows.clients };
}

export interface EntityReading {
  /** The text with each name replaced by `@e_client`, `@e_staff`, `@e_product`, `@e_vendor` or `@e_industry` (no word pattern matches inside them). */
  text: string;
  matches: EntityMatch[];
  ambiguous: AmbiguousName[];
}

const sameEntity = (a: Entity, b: Entity): boolean => a.kind === b.kind && a.value === b.value;

function unique(entities: Entity[]): Entity[] {
  const out: Entity[] = [];
  for (const e of entities) if (!out.some((o) => sameEntity(o, e))) out.push(e);
  return out;
}

/** Matches names in normalised text (tokenize.ts), longest span first. */
export function readEntities(text: string, vocabulary: Vocabulary, protectedWords: ReadonlySet<string>): EntityReading {
  const words = text.split(' ').filter(Boolean);
  const out: string[] = [];
  const matches: EntityMatch[] = [];
  const ambiguous: AmbiguousName[] = [];
  let i = 0;
  while (i < words.length) {
    let matched = false;
    for (let len = Math.min(5, words.length - i); len >= 1 && !matched; len--) {
      const span = words.slice(i, i + len);
      if (span.some((w) => w.startsWith('@')) || questionWords.has(span[0]!) || legalSuffixes.has(span[0]!)) continue;
      const typed = span.join(' ');
      const result = matchSpan(span, vocabulary, protectedWords);
      if (result === null) continue;
      if (result.entities.length === 1) {
        const entity = result.entities[0]!;
        matches.push({ entity, typed, how: result.how });
        out.push(`@e_${entity.kind}`);
      } else {
        ambiguous.push({ typed, candidates: result.entities });
        out.push('@e_ambiguous');
      }
      i += len;
      matched = true;
    }
    if (!matched) {
      out.push(words[i]!);
      i++;
    }
  }
  return { text: ` ${out.join(' ')} `, matches, ambiguous };
}

function matchSpan(span: string[], vocabulary: Vocabulary, protectedWords: ReadonlySet<string>): { entities: Entity[]; how: EntityMatch['how'] } | null {
  // "tri-county", "non-profit": the parts of a hyphenated word are words of the name.
  const stripped = stripSuffixes(span.flatMap((w) => w.replace(/'/g, '').split(/[^a-z0-9]+/)).filter(Boolean));
  if (stripped.length === 0) return null;
  const key = stripped.join(' ');
  const index = aliasIndexOf(vocabulary);
  const exact = index.byKey.get(key) ?? [];
  if (exact.length > 0) return { entities: preferKinds(unique(exact.map((a) => a.entity))), how: 'exact' };

  const group = index.byWords.get(stripped.length);
  // Typos: only against names of as many words, and never for a word the question itself uses ("detail" is not Retail).
  const single = stripped.length === 1;
  if (!(single && (protectedWords.has(key) || questionWords.has(key)))) {
    let best = Infinity;
    let found: Entity[] = [];
    if (group) {
      const near: Array<{ position: number; distance: number }> = [];
      searchNames(group.names, key, {
        limit: typoLimitFor(key.length),
        startingWith: single ? key[0] : undefined,
        found: (position, distance) => {
          if (distance <= typoAllowance(group.aliases[position]!.key.length)) near.push({ position, distance });
        },
      });
      // In vocabulary order, as a scan of the names met them.
      for (const { position, distance } of near.sort((a, b) => a.position - b.position)) {
        const entity = group.aliases[position]!.entity;
        if (distance < best) {
          best = distance;
          found = [entity];
        } else if (distance === best) found.push(entity);
      }
    }
    if (found.length > 0) return { entities: preferKinds(unique(found)), how: 'typo' };
  }

  // Each word the start of the name's word ("maple med" for Maple Medical Group).
  if (group && stripped.length >= 2 && stripped.every((w) => w.length >= 3)) {
    // Only names whose first word starts with the first typed word can qualify: one sorted block.
    const [from, to] = rangeStartingWith(group.names, stripped[0]!);
    const found = unique(
      group.names.ids
        .slice(from, to)
        .sort((a, b) => a - b)
        .map((position) => group.aliases[position]!)
        .filter((a) => a.entity.kind === 'client' || a.entity.kind === 'staff')
        .filter((a) => {
          const words = a.key.split(' ');
          return stripped.every((w, i) => words[i]!.startsWith(w));
        })
        .map((a) => a.entity),
    );
    if (found.length === 1) return { entities: found, how: 'partial' };
  }

  // A leading word (or two) of a longer name, or a distinctive tail of a product name.
  if (stripped.length <= 2 && !(single && (protectedWords.has(key) || key.length < 3))) {
    const starts = vocabulary.prefixes.get(key) ?? [];
    const tails = vocabulary.suffixes.get(key) ?? [];
    const candidates = unique([...starts, ...tails]);
    if (candidates.length > 0) return { entities: candidates, how: 'partial' };
  }

  // A leading word with a typo ("keystne" for Keystone Animal Rescue): long words only, and
  // only when one name starts so — a short or shared word is more likely another name.
  if (single && key.length >= 6 && !protectedWords.has(key) && !questionWords.has(key)) {
    const { entries, names } = index.leadingWords();
    const positions: number[] = [];
    searchNames(names, key, {
      limit: typoLimitFor(key.length),
      startingWith: key[0],
      // As many typos as a word of that length may carry.
      found: (position, distance) => {
        if (distance <= typoAllowance(entries[position]!.word.length)) positions.push(position);
      },
    });
    const near = unique(positions.sort((a, b) => a - b).flatMap((position) => entries[position]!.entities));
    if (near.length === 1) return { entities: near, how: 'typo' };
  }
  return null;
}

/** The same words naming a vendor and a product ("Zoom"): the vendor is the wider reading. */
function preferKinds(entities: Entity[]): Entity[] {
  if (entities.length <= 1) return entities;
  const vendors = entities.filter((e) => e.kind === 'vendor');
  if (vendors.length === 1 && entities.every((e) => e.kind === 'vendor' || e.kind === 'product')) return vendors;
  return entities;
}

/** Up to `limit` client names closest to `typed`, for "did you mean …?". */
export function closestClients(typed: string, vocabulary: Vocabulary, limit = 3): string[] {
  const key = stripSuffixes(nameKey(typed).split(' ')).join(' ');
  // Only names this close are worth suggesting; the search keeps to the best `limit` found so
  // far, so a question about an unknown name costs little with thousands of clients.
  const cap = Math.floor(Math.max(3, key.length / 2));
  const { aliases, names } = aliasIndexOf(vocabulary).clients();
  const near: Array<{ name: string; distance: number }> = [];
  const distances: number[] = [];
  searchNames(names, key, {
    limit: cap,
    found: (position, distance) => {
      near.push({ name: aliases[position]!.entity.name, distance });
      distances.push(distance);
      // Names further than the limit-th closest so far can no longer make the list.
      if (distances.length >= limit) return distances.sort((a, b) => a - b)[limit - 1];
    },
  });
  return near
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((c) => c.name);
}

/** The most typos any name may carry and still match a typed word of this length (typoAllowance never exceeds 2). */
function typoLimitFor(length: number): number {
  let most = 0;
  for (let nameLength = Math.max(1, length - 2); nameLength <= length + 2; nameLength++) {
    const allowed = typoAllowance(nameLength);
    if (Math.abs(nameLength - length) <= allowed) most = Math.max(most, allowed);
  }
  return most;
}
