import { clientAliasKey, clientMatchKey } from './client-match-key.js';
import { clientNameKey } from './datasets/clients.js';
import type { StoredLicense } from './presets/import-preset.js';

/**
 * How a row's client reference finds its client during one reading pass. In order:
 * the exact id; the exact name (ignoring case); a name a person mapped (`clients map`,
 * a confirmed alias); the loose match key (client-match-key.ts) when exactly one client
 * has it — resolved, and counted as an *automatic* match awaiting confirmation. Two or
 * more clients with that key make the row ambiguous; no client at all makes it unmapped.
 * Every name that was not matched exactly is counted, for the import report and the
 * `client_aliases` table.
 */

/** What a row may reference, loaded when the import's write opens. */
export interface ClientList {
  ids: string[];
  /** Each client's lower-cased name → id. */
  names: Array<[string, string]>;
  /** Each client's id → name as stored (loose keys and messages). */
  labels?: Array<[string, string]>;
  /** Names a person decided about, by alias key (client-match-key.ts). */
  aliases?: Array<{ key: string; clientId: string | null; status: ClientAliasStatus }>;
  /** For a licenses import: the stored rows, which a vendor preset completes (presets/license-positions.ts). */
  licenses?: StoredLicense[];
}

/**
 * `auto`: matched by the loose key, awaiting confirmation; `confirmed`: a person mapped the
 * name to the client; `unmapped`: an import met the name and could not map it; `distinct`:
 * a person unmapped it — it is none of the clients it looks like, and is never matched loosely.
 */
export type ClientAliasStatus = 'auto' | 'confirmed' | 'unmapped' | 'distinct';

/** A client name a reading pass met that did not match a client exactly, with its rows since the last count. */
export interface ClientNameCount {
  /** As first written in the file. */
  name: string;
  key: string;
  outcome: 'automatic' | 'unmapped';
  /** The client an automatic match resolved to. */
  clientId: string | null;
  /** The clients an ambiguous name matches (empty when it matches none). */
  candidates: string[];
  rows: number;
}

/** The outcome of matching one name against the existing clients. */
export type ClientNameMatch =
  { kind: 'exact' | 'alias' | 'automatic'; clientId: string; name: string } | { kind: 'ambiguous'; candidates: string[] } | { kind: 'none' | 'distinct' };

export interface ClientIndex {
  resolve(id: string | null, name: string | null): string | null;
  /** Why `resolve` found no client for this reference (ambiguous, unmapped, unknown id). */
  refusal(id: string | null, name: string | null): string;
  /** For the clients dataset: the client a name stands for, and the name to store for it. */
  matchName(name: string): ClientNameMatch;
  /** Names counted since the previous call (and forgets them). */
  takeCounts(): ClientNameCount[];
  /** For a licenses import: the stored rows by license id. */
  licenses: ReadonlyMap<string, StoredLicense>;
}

const MAX_CACHED_NAMES = 100_000;

export function clientIndex(list: ClientList): ClientIndex {
  const byId = new Set(list.ids);
  const byName = new Map(list.names);
  const labels = new Map(list.labels ?? []);
  const byLooseKey = new Map<string, string[]>();
  for (const [id, name] of labels) {
    const key = clientMatchKey(name);
    const ids = byLooseKey.get(key);
    if (ids) ids.push(id);
    else byLooseKey.set(key, [id]);
  }
  const aliases = new Map((list.aliases ?? []).map((alias) => [alias.key, alias]));
  // Per distinct name, with its alias key: a file names the same few clients millions of times.
  const matches = new Map<string, { found: ClientNameMatch; key: string }>();
  const counts = new Map<string, ClientNameCount>();

  const lookUp = (name: string): { found: ClientNameMatch; key: string } => {
    let entry = matches.get(name);
    if (!entry) {
      entry = { found: matchOnce(name), key: clientAliasKey(name) };
      // Bounded: a file of a million different names is matched name by name instead.
      if (matches.size < MAX_CACHED_NAMES) matches.set(name, entry);
    }
    return entry;
  };
  const match = (name: string): ClientNameMatch => lookUp(name).found;
  const matchOnce = (name: string): ClientNameMatch => {
    const exact = byName.get(clientNameKey(name));
    if (exact !== undefined) return { kind: 'exact', clientId: exact, name };
    const alias = aliases.get(clientAliasKey(name));
    if (alias?.status === 'confirmed' && alias.clientId !== null && byId.has(alias.clientId)) {
      return { kind: 'alias', clientId: alias.clientId, name: labels.get(alias.clientId) ?? name };
    }
    if (alias?.status === 'distinct') return { kind: 'distinct' };
    const candidates = byLooseKey.get(clientMatchKey(name)) ?? [];
    if (candidates.length === 1) return { kind: 'automatic', clientId: candidates[0]!, name: labels.get(candidates[0]!) ?? name };
    if (candidates.length > 1) return { kind: 'ambiguous', candidates: candidates.map((id) => labels.get(id) ?? id).sort() };
    return { kind: 'none' };
  };
  const count = (name: string, key: string, found: ClientNameMatch): void => {
    if (found.kind === 'exact' || found.kind === 'alias') return;
    const counted = counts.get(key);
    if (counted) {
      counted.rows += 1;
      return;
    }
    counts.set(key, {
      name,
      key,
      outcome: found.kind === 'automatic' ? 'automatic' : 'unmapped',
      clientId: found.kind === 'automatic' ? found.clientId : null,
      candidates: found.kind === 'ambiguous' ? found.candidates : [],
      rows: 1,
    });
  };

  return {
    licenses: new Map((list.licenses ?? []).map((l) => [l.license_id, l])),
    resolve(id, name) {
      if (id !== null) return byId.has(id) ? id : null;
      if (name === null) return null;
      const { found, key } = lookUp(name);
      count(name, key, found);
      return 'clientId' in found ? found.clientId : null;
    },
    refusal(id, name) {
      if (id === null && name === null) return 'client is required (client_id or client_name)';
      if (id !== null) return 'unknown client: no client has this id; import it in clients first';
      const found = match(name!);
      const map = `map it with \`moatmetrics clients map "${name}" --to <client>\``;
      if (found.kind === 'ambiguous') return `ambiguous client: matches ${quotedList(found.candidates)}; ${map}`;
      if (found.kind === 'distinct') return `unknown client: this name was unmapped from the client it looked like; ${map}`;
      return `unknown client: no client has this name; import it in clients first, or ${map}`;
    },
    matchName(name) {
      const { found, key } = lookUp(name);
      count(name, key, found);
      return found;
    },
    takeCounts() {
      const taken = [...counts.values()];
      counts.clear();
      return taken;
    },
  };
}

function quotedList(names: string[]): string {
  const quoted = names.map((name) => `'${name}'`);
  return quoted.length <= 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}
