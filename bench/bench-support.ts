/** Shared bits of the benchmark scripts: scratch databases and figure formatting. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';

export const benchRoot = path.resolve(import.meta.dirname, 'out');

export function scratchDir(name: string): string {
  const dir = path.join(benchRoot, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function benchConfig(dataDir: string, databaseUrl = ''): Config {
  return loadConfig({ env: {}, overrides: { data_dir: dataDir, 'database.url': databaseUrl } }).config;
}

const pgAdminUrl = process.env.MOATMETRICS_BENCH_PG ?? 'postgres://127.0.0.1:5432/postgres';

function pgAdmin(): pg.Client {
  const url = new URL(pgAdminUrl);
  if (!url.username) url.username = process.env.USER ?? os.userInfo().username;
  return new pg.Client({ connectionString: url.toString() });
}

/** A fresh PostgreSQL database for one benchmark; returns its URL and a drop function. */
export async function scratchPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `mm_bench_${randomBytes(4).toString('hex')}`;
  const admin = pgAdmin();
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = pgAdmin();
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Wall and CPU seconds of an async step. */
export async function measure<T>(step: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await step();
  const used = process.cpuUsage(cpu);
  return { result, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

export function rate(rows: number, seconds: number): string {
  return `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`;
}
