import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, SelectQueryNode, SqliteDialect, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';
import { beginImmediate, retryWhileBusy, type WaitForWriteLockOptions } from './sqlite-write-lock.js';

export interface SqlitePoolOptions {
  file: string;
  /** Opens one connection with our settings (busy timeout 0: waits are ours, see sqlite-write-lock.ts). */
  open: () => BetterSqlite3.Database;
  /** How long a write waits for another writer before MM_DATABASE_BUSY. */
  busyTimeoutMs: number;
  /** Idle connections kept open (more are opened while requests wait on each other). */
  maxIdle?: number;
}

/**
 * Kysely's own SQLite dialect has one connection behind a mutex and starts transactions with
 * a deferred `BEGIN`. Ours differs in two ways that matter when another process (a CLI
 * import) holds the write lock for minutes:
 * - every transaction is `BEGIN IMMEDIATE`, waited for asynchronously, so no transaction can
 *   fail half-way when it first writes, and the event loop never sleeps in SQLite;
 * - several connections: a request waiting for the write lock holds one, while reads
 *   (WAL readers never wait for the writer) and `/readyz` go on using the others.
 */
export class SqlitePoolDialect extends SqliteDialect {
  readonly #options: SqlitePoolOptions;

  constructor(options: SqlitePoolOptions) {
    // The base class only supplies the adapter, compiler and introspector; the driver is ours.
    super({ database: {} as BetterSqlite3.Database });
    this.#options = options;
  }

  override createDriver(): Driver {
    return new SqlitePoolDriver(this.#options);
  }
}

class SqlitePoolDriver implements Driver {
  readonly #idle: PooledSqliteConnection[] = [];
  readonly #all = new Set<PooledSqliteConnection>();
  readonly #wait: WaitForWriteLockOptions;

  constructor(private readonly options: SqlitePoolOptions) {
    this.#wait = { timeoutMs: options.busyTimeoutMs };
  }

  async init(): Promise<void> {
    // Open one connection now so a bad file or permission fails at start, not at the first query.
    this.#idle.push(this.#open());
  }

  #open(): PooledSqliteConnection {
    const connection = new PooledSqliteConnection(this.options.open(), this.options.file, this.#wait);
    this.#all.add(connection);
    return connection;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#idle.pop() ?? this.#open();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PooledSqliteConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteName(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteName(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteName(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const pooled = connection as PooledSqliteConnection;
    if (pooled.raw.inTransaction) pooled.raw.exec('ROLLBACK');
    if (this.#idle.length < (this.options.maxIdle ?? 4)) {
      this.#idle.push(pooled);
    } else {
      this.#all.delete(pooled);
      pooled.raw.close();
    }
  }

  async destroy(): Promise<void> {
    for (const connection of this.#all) connection.raw.close();
    this.#all.clear();
    this.#idle.length = 0;
  }
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

class PooledSqliteConnection implements DatabaseConnection {
  constructor(
    readonly raw: BetterSqlite3.Database,
    private readonly file: string,
    private readonly wait: WaitForWriteLockOptions,
  ) {}

  begin(): Promise<void> {
    return beginImmediate(this.raw, this.file, this.wait);
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const statement = this.raw.prepare(sql);
    if (statement.reader) {
      // Outside a transaction a read can still meet a busy WAL (recovery, a checkpoint restart).
      const rows = this.raw.inTransaction ? statement.all(parameters) : await retryWhileBusy(() => statement.all(parameters), this.file, this.wait);
      return { rows: rows as R[] };
    }
    // A single write outside a transaction takes the lock for itself: wait for it the same way.
    const run = (): BetterSqlite3.RunResult => statement.run(parameters);
    const { changes, lastInsertRowid } = this.raw.inTransaction ? run() : await retryWhileBusy(run, this.file, this.wait);
    return {
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { sql, parameters, query } = compiledQuery;
    if (!SelectQueryNode.is(query)) throw new Error('SQLite streams select queries only');
    for (const row of this.raw.prepare(sql).iterate(parameters)) yield { rows: [row as R] };
  }
}
