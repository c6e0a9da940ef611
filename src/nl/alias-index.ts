import type { Alias, Entity, Vocabulary } from './entities.js';
import { nameListOf, type NameList } from './name-search.js';

/**
 * The names of a vocabulary arranged for the lookups a question makes, built once per
 * vocabulary: a question tries up to five spans at every word, and scanning every name for
 * each span made parsing grow with the size of the client list (p99 9 ms at 1,000 clients,
 * 37 ms at 10,000). Exact names by key; names of each word count sorted for the typo and
 * "start of each word" searches (name-search.ts); leading words and client names sorted for
 * the leading-word typo and "did you mean". Every search finds what a scan of all names
 * found, in the same order.
 */
export interface AliasIndex {
  byKey: Map<string, Alias[]>;
  /** Aliases of each word count, in vocabulary order; `names` ids are positions in `aliases`. */
  byWords: Map<number, { aliases: Alias[]; names: NameList }>;
  /** One-word leading names ("zenith") in the order of `vocabulary.prefixes`; `names` ids are positions here. */
  leadingWords(): { entries: Array<{ word: string; entities: Entity[] }>; names: NameList };
  /** Client aliases in vocabulary order; `names` ids are positions here. */
  clients(): { aliases: Alias[]; names: NameList };
}

const aliasIndexes = new WeakMap<Vocabulary, AliasIndex>();

export function aliasIndexOf(vocabulary: Vocabulary): AliasIndex {
  let index = aliasIndexes.get(vocabulary);
  if (!index) {
    index = buildAliasIndex(vocabulary);
    aliasIndexes.set(vocabulary, index);
  }
  return index;
}

function buildAliasIndex(vocabulary: Vocabulary): AliasIndex {
  const byKey = new Map<string, Alias[]>();
  const byWordCount = new Map<number, Alias[]>();
  for (const alias of vocabulary.aliases) {
    const sameKey = byKey.get(alias.key);
    if (sameKey) sameKey.push(alias);
    else byKey.set(alias.key, [alias]);
    const sameWords = byWordCount.get(alias.words);
    if (sameWords) sameWords.push(alias);
    else byWordCount.set(alias.words, [alias]);
  }
  const byWords = new Map<number, { aliases: Alias[]; names: NameList }>();
  for (const [words, aliases] of byWordCount) byWords.set(words, { aliases, names: sortedKeys(aliases.map((a) => a.key)) });

  // Sorted on first use only: the CLI answers one question per process, and most questions
  // need neither a leading-word typo nor "did you mean".
  return {
    byKey,
    byWords,
    leadingWords: once(() => {
      const entries = [...vocabulary.prefixes].filter(([word]) => !word.includes(' ')).map(([word, entities]) => ({ word, entities }));
      return { entries, names: sortedKeys(entries.map((e) => e.word)) };
    }),
    clients: once(() => {
      const aliases = vocabulary.aliases.filter((a) => a.entity.kind === 'client');
      return { aliases, names: sortedKeys(aliases.map((a) => a.key)) };
    }),
  };
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => (made ??= { value: make() }).value;
}

function sortedKeys(keys: string[]): NameList {
  return nameListOf(keys.map((key, id) => ({ key, id })));
}
