import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MmError } from '../errors.js';
import type { ConversationTurn } from './follow-up.js';

/**
 * Where conversations live between questions: what the last answered question was, so the
 * next one can follow it up. A conversation belongs to the user who started it; someone
 * else's id, an expired one and one that never existed all read the same (not found).
 *
 * - HTTP: in memory, per server process. A conversation is a short exchange in one browser
 *   tab; it needs no durability, and memory keeps the question text out of the database
 *   (the audit trail already holds each question).
 * - CLI: each `moatmetrics ask` is a new process, so the turn is a file in the data
 *   directory (`conversations/<id>.json`, readable by its owner only). Not the database: it
 *   would take a migration on both engines for a per-machine convenience, and the CLI's
 *   user is whoever can read the data directory anyway.
 */

export interface ConversationStore {
  /** The turn for `id` started by `user`, or null (unknown, expired, or someone else's). */
  get(id: string, user: string): Promise<ConversationTurn | null>;
  /** Saves `turn` under `id` (a new id when null); returns the id. */
  save(id: string | null, user: string, turn: ConversationTurn): Promise<string>;
}

/** 22 URL-safe characters: never a path, never guessable. */
export const conversationIdPattern = /^[A-Za-z0-9_-]{22}$/;

export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

/** `lifetime`: "30 minutes", "24 hours". */
export function conversationNotFound(lifetime: string): MmError {
  return new MmError(
    'MM_CONVERSATION_NOT_FOUND',
    `no such conversation: it ended ${lifetime} after its last question, or was never started by you; ask the whole question`,
  );
}

interface StoredTurn {
  user: string;
  expiresAt: number;
  turn: ConversationTurn;
}

export class MemoryConversationStore implements ConversationStore {
  private turns = new Map<string, StoredTurn>();

  constructor(
    readonly ttlMs = 30 * 60_000,
    readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string, user: string): Promise<ConversationTurn | null> {
    const stored = this.turns.get(id);
    if (!stored || stored.user !== user) return null;
    if (stored.expiresAt <= this.now()) {
      this.turns.delete(id);
      return null;
    }
    return structuredClone(stored.turn);
  }

  async save(id: string | null, user: string, turn: ConversationTurn): Promise<string> {
    const key = id ?? newConversationId();
    this.turns.delete(key);
    this.turns.set(key, { user, expiresAt: this.now() + this.ttlMs, turn: structuredClone(turn) });
    // Oldest first (insertion order, refreshed on save): expired ones and, when full, the least recent go.
    for (const [oldKey, stored] of this.turns) {
      if (this.turns.size <= this.capacity && stored.expiresAt > this.now()) break;
      this.turns.delete(oldKey);
    }
    return key;
  }
}

export class FileConversationStore implements ConversationStore {
  constructor(
    readonly dir: string,
    readonly ttlMs = 24 * 60 * 60_000,
  ) {}

  async get(id: string, user: string): Promise<ConversationTurn | null> {
    if (!conversationIdPattern.test(id)) return null;
    let stored: StoredTurn;
    try {
      stored = JSON.parse(readFileSync(path.join(this.dir, `${id}.json`), 'utf8')) as StoredTurn;
    } catch {
      return null;
    }
    if (stored.user !== user || stored.expiresAt <= Date.now()) return null;
    return stored.turn;
  }

  async save(id: string | null, user: string, turn: ConversationTurn): Promise<string> {
    const key = id ?? newConversationId();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.removeExpired();
    const target = path.join(this.dir, `${key}.json`);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ user, expiresAt: Date.now() + this.ttlMs, turn } satisfies StoredTurn), { mode: 0o600 });
    // Whole or not at all: a reader never sees half a file.
    renameSync(temporary, target);
    return key;
  }

  private removeExpired(): void {
    const oldest = Date.now() - this.ttlMs;
    for (const name of readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      try {
        if (statSync(file).mtimeMs < oldest) rmSync(file, { force: true });
      } catch {
        // Another process removed it first.
      }
    }
  }
}
