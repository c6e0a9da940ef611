import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { MmError } from '../errors.js';
import { reviewPolicySchema } from './review-policy.js';
import { roles, type Role } from './roles.js';

/**
 * The access policy (`config/policies/default.yaml`): which role may do what, and the
 * login, session and token limits. Loaded and validated once at start; every permission
 * check in the API goes through `permissionsOf`.
 */

export const permissions = [
  'data:read',
  'data:import',
  'data:delete',
  'analytics:run',
  'results:review',
  'reports:generate',
  'reports:schedule',
  'audit:read',
  'audit:export',
  'users:manage',
  'policy:manage',
] as const;
export type Permission = (typeof permissions)[number];

export { roles, type Role } from './roles.js';

const permissionSchema = z.enum(permissions, { error: (issue) => `unknown permission '${String(issue.input)}' (known: ${permissions.join(', ')})` });

export const policySchema = z
  .object({
    roles: z.record(z.string(), z.array(permissionSchema)).superRefine((value, ctx) => {
      for (const name of Object.keys(value)) {
        if (!(roles as readonly string[]).includes(name))
          ctx.addIssue({ code: 'custom', path: [name], message: `unknown role '${name}' (known: ${roles.join(', ')})` });
      }
      if (!value.admin?.includes('users:manage'))
        ctx.addIssue({ code: 'custom', path: ['admin'], message: 'admin must keep users:manage, or nobody could manage users' });
    }),
    login: z
      .object({
        max_failures: z.number().int().min(1).max(100).default(5),
        lockout_minutes: z
          .number()
          .min(1)
          .max(24 * 60)
          .default(15),
        /** The account locks only when its failures came from at least this many client addresses (one address backs off instead). */
        lock_min_addresses: z.number().int().min(1).max(100).default(3),
      })
      .strict()
      .default({ max_failures: 5, lockout_minutes: 15, lock_min_addresses: 3 }),
    sessions: z
      .object({
        idle_minutes: z
          .number()
          .min(1)
          .max(24 * 60)
          .default(30),
        absolute_hours: z
          .number()
          .min(1)
          .max(24 * 30)
          .default(12),
      })
      .strict()
      .default({ idle_minutes: 30, absolute_hours: 12 }),
    tokens: z
      .object({
        default_days: z.number().int().min(1).max(3650).default(90),
        max_days: z.number().int().min(1).max(3650).default(365),
      })
      .strict()
      .default({ default_days: 90, max_days: 365 }),
    /** Which results a person must look at (DESIGN section 5), and the four-eyes rule for deciding them. */
    review: reviewPolicySchema.default({
      review_below: 0.7,
      auto_approve_at: 0.9,
      always_review_negative_margin: true,
      always_review_over_assigned_seats: true,
      always_review_unconfirmed_client_names: true,
      four_eyes: true,
    }),
    rate_limits: z
      .object({
        /** Requests a minute from one address, all routes together. */
        api_per_minute: z.number().int().min(10).max(1_000_000).default(1200),
        /** Login attempts a minute from one address. */
        login_per_minute: z.number().int().min(1).max(1000).default(10),
      })
      .strict()
      .default({ api_per_minute: 1200, login_per_minute: 10 }),
    /**
     * How long MoatMetrics keeps what it no longer needs (operations/retention.ts); null keeps
     * that kind forever. The audit trail and the current data are never removed.
     */
    retention: z
      .object({
        /** Copies of imported files under data/raw/ and import rejects under data/imports/<id>/. */
        raw_files_days: z.number().int().min(1).max(36500).nullable().default(365),
        /** Stored analytics runs and their results (review decisions included). */
        analytics_runs_days: z.number().int().min(1).max(36500).nullable().default(730),
        /** Sessions this long past their expiry (idle or absolute). */
        sessions_days: z.number().int().min(1).max(36500).nullable().default(1),
        /** Recorded security events (refused logins, forbidden calls, …) older than this. */
        security_events_days: z.number().int().min(1).max(36500).nullable().default(365),
        /** API tokens this long after they expired or were revoked (their creation and revocation stay in the audit trail). */
        api_tokens_days: z.number().int().min(1).max(36500).nullable().default(90),
        /** The server runs retention this often. */
        run_every_hours: z
          .number()
          .min(1)
          .max(24 * 365)
          .default(24),
      })
      .strict()
      .default({ raw_files_days: 365, analytics_runs_days: 730, sessions_days: 1, security_events_days: 365, api_tokens_days: 90, run_every_hours: 24 }),
    uploads: z
      .object({
        /** Largest import upload over HTTP (MB); the server uses the smaller of this and server.upload_limit_mb. */
        max_mb: z.number().positive().max(102400).default(512),
      })
      .strict()
      .default({ max_mb: 512 }),
    /** What the compliance checks (governance/compliance.ts) hold the installation to. */
    compliance: z
      .object({
        /** The latest backup may be at most this old. */
        backup_max_age_hours: z
          .number()
          .min(1)
          .max(24 * 365)
          .default(26),
      })
      .strict()
      .default({ backup_max_age_hours: 26 }),
  })
  .strict()
  .refine((policy) => policy.tokens.default_days <= policy.tokens.max_days, { path: ['tokens', 'default_days'], message: 'must not exceed tokens.max_days' });

export type Policy = z.infer<typeof policySchema>;

/** The policy shipped with MoatMetrics (this repository's config/policies/default.yaml). */
export const bundledPolicyFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'policies', 'default.yaml');

/**
 * Reads and validates a policy file: `explicit` (config `policy_file`), else
 * `<cwd>/config/policies/default.yaml`, else the bundled one. A problem is an
 * MM_CONFIG_INVALID naming the file, the key and (for YAML syntax) the line and column.
 */
export function loadPolicy(explicit: string | null, cwd = process.cwd()): { policy: Policy; file: string; sha256: string } {
  const local = path.join(cwd, 'config', 'policies', 'default.yaml');
  const file = explicit ? path.resolve(cwd, explicit) : existsSync(local) ? local : bundledPolicyFile;
  if (!existsSync(file)) throw new MmError('MM_CONFIG_INVALID', `${file}: policy file not found`);
  const text = readFileSync(file, 'utf8');
  const document = parseDocument(text, { prettyErrors: true });
  const yamlError = document.errors[0];
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    const reason = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new MmError('MM_CONFIG_INVALID', `${file}${at ? `:${at.line}:${at.col}` : ''}: ${reason}`);
  }
  const parsed = policySchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MmError('MM_CONFIG_INVALID', `${file}: ${issue.path.join('.') || '(policy)'}: ${issue.message}`);
  }
  return { policy: parsed.data, file, sha256: createHash('sha256').update(text).digest('hex') };
}

/** The permissions a role has under the policy (none for a role the policy does not list). */
export function permissionsOf(policy: Policy, role: string): ReadonlySet<Permission> {
  return new Set(policy.roles[role] ?? []);
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
