import type { Kysely } from 'kysely';
import { MmError } from '../errors.js';
import { appendAudit } from '../governance/audit-log.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { findClientAlias, listClientAliases, saveClientAlias, type ClientAliasRow } from './client-aliases-repository.js';
import { clientAliasKey, closestClientNames } from './client-match-key.js';
import { findClientByIdOrName, listClientKeys } from './datasets/clients-repository.js';
import { clientNameKey } from './datasets/clients.js';

/**
 * What people decide about client names the imports could not match exactly
 * (docs/IMPORTING.md, "Client names across sources"): confirm an automatic match, map a
 * name to a client, or unmap it (keep it apart from the clients it looks like). Each
 * decision and its audit event commit together. Rows rejected for a name load when the
 * file is imported again after the name is mapped.
 */

export interface ClientRef {
  clientId: string;
  clientName: string;
}

/** `clients unmapped`, `GET /api/v1/clients/unmapped`. */
export interface UnmappedClientNames {
  /** Names matched automatically (their rows are loaded), awaiting confirmation. */
  automatic: Array<{ name: string; client: ClientRef; rows: number; updatedAt: string }>;
  /** Names no client was found for (their rows were rejected); `keptApart`: a person unmapped it. */
  unmapped: Array<{ name: string; rows: number; keptApart: boolean; suggestions: ClientRef[]; updatedAt: string }>;
}

export interface ClientAliasDecision {
  name: string;
  status: 'confirmed' | 'distinct';
  client: ClientRef | null;
  /** Was: the alias's status and client before the decision. */
  previous: { status: string; clientId: string | null } | null;
}

export async function listUnmappedClientNames(db: Kysely<DatabaseSchema>): Promise<UnmappedClientNames> {
  const [aliases, clients] = await Promise.all([listClientAliases(db, ['auto', 'unmapped', 'distinct']), listClientKeys(db)]);
  const named = clients.map((c) => ({ name: c.client_name, clientId: c.client_id }));
  const byId = new Map(named.map((c) => [c.clientId, c.name]));
  const result: UnmappedClientNames = { automatic: [], unmapped: [] };
  for (const alias of aliases) {
    if (alias.status === 'auto' && alias.client_id !== null && byId.has(alias.client_id)) {
      const client = { clientId: alias.client_id, clientName: byId.get(alias.client_id)! };
      result.automatic.push({ name: alias.alias_name, client, rows: alias.rows_seen, updatedAt: alias.updated_at });
    } else if (alias.status !== 'auto') {
      const suggestions = closestClientNames(alias.alias_name, named).map((c) => ({ clientId: c.clientId, clientName: c.name }));
      result.unmapped.push({ name: alias.alias_name, rows: alias.rows_seen, keptApart: alias.status === 'distinct', suggestions, updatedAt: alias.updated_at });
    }
  }
  return result;
}

/** Confirms an automatic match: the name stays with its client, and the client's results no longer wait for it. */
export async function confirmClientName(db: Kysely<DatabaseSchema>, input: { name: string; actor: string }): Promise<ClientAliasDecision> {
  return db.transaction().execute(async (trx) => {
    const alias = await requireAlias(trx, input.name);
    if (alias.status !== 'auto' || alias.client_id === null) {
      throw new MmError(
        'MM_CLIENT_NAME_CONFLICT',
        `'${alias.alias_name}' is not an automatic match waiting for confirmation (it is ${describeStatus(alias)}); map it with \`moatmetrics clients map\``,
      );
    }
    const client = await findClientByIdOrName(trx, alias.client_id);
    if (!client)
      throw new MmError('MM_CLIENT_NOT_FOUND', `'${alias.alias_name}' matched client ${alias.client_id}, which no longer exists; map it to another client`);
    return decide(
      trx,
      alias,
      { status: 'confirmed', client: { clientId: client.client_id, clientName: client.client_name } },
      input.actor,
      'clients.alias_confirm',
    );
  });
}

/** Maps a name to a client (by id or name): a confirmed alias, used by every later import. */
export async function mapClientName(db: Kysely<DatabaseSchema>, input: { name: string; to: string; actor: string }): Promise<ClientAliasDecision> {
  const name = input.name.trim();
  if (name === '') throw new MmError('MM_VALIDATION', 'the client name to map is empty');
  return db.transaction().execute(async (trx) => {
    const client = await findClientByIdOrName(trx, input.to);
    if (!client) throw new MmError('MM_CLIENT_NOT_FOUND', `no client has the id or name '${input.to}'; \`moatmetrics clients unmapped\` suggests the closest`);
    const holder = await findClientByIdOrName(trx, name);
    if (holder && clientNameKey(holder.client_name) === clientNameKey(name) && holder.client_id !== client.client_id) {
      throw new MmError(
        'MM_CLIENT_NAME_CONFLICT',
        `'${name}' is the name of client ${holder.client_id}: rows with it always go to that client. Rename one of the clients in the clients file instead.`,
      );
    }
    const alias = (await findClientAlias(trx, clientAliasKey(name))) ?? null;
    return decide(
      trx,
      alias ?? newAlias(name),
      { status: 'confirmed', client: { clientId: client.client_id, clientName: client.client_name } },
      input.actor,
      'clients.alias_map',
    );
  });
}

/** Unmaps a name: it is none of the clients it looks like, and is no longer matched loosely. */
export async function unmapClientName(db: Kysely<DatabaseSchema>, input: { name: string; actor: string }): Promise<ClientAliasDecision> {
  return db.transaction().execute(async (trx) => {
    const alias = await requireAlias(trx, input.name);
    return decide(trx, alias, { status: 'distinct', client: null }, input.actor, 'clients.alias_unmap');
  });
}

async function decide(
  trx: Kysely<DatabaseSchema>,
  alias: ClientAliasRow,
  to: { status: 'confirmed' | 'distinct'; client: ClientRef | null },
  actor: string,
  action: string,
): Promise<ClientAliasDecision> {
  const previous = alias.updated_by === '' ? null : { status: alias.status, clientId: alias.client_id };
  await saveClientAlias(trx, {
    key: alias.alias_key,
    name: alias.alias_name,
    clientId: to.client?.clientId ?? null,
    status: to.status,
    actor,
    at: new Date().toISOString(),
  });
  await appendAudit(trx, {
    actor,
    action,
    target: alias.alias_name,
    details: { name: alias.alias_name, status: to.status, clientId: to.client?.clientId ?? null, previous },
  });
  return { name: alias.alias_name, status: to.status, client: to.client, previous };
}

async function requireAlias(trx: Kysely<DatabaseSchema>, name: string): Promise<ClientAliasRow> {
  const alias = await findClientAlias(trx, clientAliasKey(name));
  if (!alias)
    throw new MmError(
      'MM_CLIENT_NAME_NOT_FOUND',
      `no import has met the client name '${name}'; \`moatmetrics clients unmapped\` lists the names waiting for a decision`,
    );
  return alias;
}

/** A name no import has met yet (mapped ahead of the import that will bring it). */
function newAlias(name: string): ClientAliasRow {
  return {
    alias_key: clientAliasKey(name),
    alias_name: name,
    client_id: null,
    status: 'unmapped',
    rows_seen: 0,
    first_seen_import: null,
    last_seen_import: null,
    updated_at: '',
    updated_by: '',
  };
}

function describeStatus(alias: ClientAliasRow): string {
  if (alias.status === 'confirmed') return `already mapped to client ${alias.client_id}`;
  if (alias.status === 'distinct') return 'unmapped by a person';
  if (alias.status === 'unmapped') return 'not matched to any client';
  return 'matched to a client that no longer exists';
}
