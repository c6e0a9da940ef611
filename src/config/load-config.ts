import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MmError } from '../errors.js';
import { configSchema, type Config } from './schema.js';

/** Environment variables that are read elsewhere and are not config keys. */
// MOATMETRICS_TOKEN: an API token for CLI commands that act as a named user (cli/authenticate-cli-user.ts).
const nonConfigEnv = new Set(['MOATMETRICS_CONFIG', 'MOATMETRICS_ADMIN_PASSWORD', 'MOATMETRICS_DEBUG', 'MOATMETRICS_TOKEN']);

/** The CLI flag that sets a key, for error messages (see src/cli). */
const flagNames: Record<string, string> = {
  data_dir: '--data-dir',
  'database.url': '--database-url',
  'log.level': '--log-level',
  'server.host': '--host',
  'server.port': '--port',
};

export interface LoadConfigOptions {
  /** Explicit config file; otherwise MOATMETRICS_CONFIG, otherwise ./config/config.yaml if present. */
  configFile?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values from CLI flags, as dotted paths (`data_dir`, `server.port`). Highest precedence. */
  overrides?: Record<string, unknown>;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The file that was read, if any. */
  file: string | null;
}

/**
 * Reads, merges and validates the configuration. A wrong key or value throws one
 * MM_CONFIG_INVALID error whose message names the key and where it came from.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolveConfigFile(options.configFile ?? env.MOATMETRICS_CONFIG, cwd);

  const merged: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  if (file) {
    const fromFile = readYamlFile(file);
    for (const [key, value] of flatten(fromFile)) {
      setPath(merged, key, value);
      origin.set(key, path.relative(cwd, file) || file);
    }
  }
  const leaves = leafPaths(configSchema);
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('MOATMETRICS_') || nonConfigEnv.has(name) || raw === undefined) continue;
    const key = leaves.find((leaf) => envName(leaf) === name);
    if (!key) {
      throw new MmError('MM_CONFIG_INVALID', `${name}: not a configuration setting (known: ${leaves.map(envName).join(', ')})`);
    }
    setPath(merged, key, coerceEnvValue(raw));
    origin.set(key, name);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(merged, key, value);
    origin.set(key, flagNames[key] ?? `--${key.split('.').at(-1)!.replaceAll('_', '-')}`);
  }

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? '' : '(root)');
    const fullKey = issue.code === 'unrecognized_keys' ? [key, issue.keys[0]].filter(Boolean).join('.') : key;
    const source = origin.get(fullKey) ?? (file ? path.relative(cwd, file) : 'configuration');
    const reason = issue.code === 'unrecognized_keys' ? 'unknown setting' : issue.message;
    throw new MmError('MM_CONFIG_INVALID', `${source}: ${fullKey}: ${reason}`);
  }
  const config = parsed.data;
  config.data_dir = path.resolve(cwd, config.data_dir);
  return { config, file };
}

function resolveConfigFile(explicit: string | undefined, cwd: string): string | null {
  if (explicit) {
    const absolute = path.resolve(cwd, explicit);
    if (!existsSync(absolute)) throw new MmError('MM_CONFIG_INVALID', `${explicit}: config file not found`);
    return absolute;
  }
  const fallback = path.join(cwd, 'config', 'config.yaml');
  return existsSync(fallback) ? fallback : null;
}

function readYamlFile(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MmError('MM_CONFIG_INVALID', `${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new MmError('MM_CONFIG_INVALID', `${file}: the top level must be a mapping of settings`);
  }
  return value as Record<string, unknown>;
}

/** `server.port` → MOATMETRICS_SERVER_PORT */
export function envName(key: string): string {
  return `MOATMETRICS_${key.replaceAll('.', '_').toUpperCase()}`;
}

function coerceEnvValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw.startsWith('[')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

function flatten(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, child] of Object.entries(value)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
      out.push(...flatten(child as Record<string, unknown>, full));
    } else {
      out.push([full, child]);
    }
  }
  return out;
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/** Dotted paths of every setting, read from the schema itself so env names never drift. */
function leafPaths(schema: z.ZodType, prefix = ''): string[] {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
    inner = inner.unwrap() as z.ZodType;
  }
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}
