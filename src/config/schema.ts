import { isIP } from 'node:net';
import { z } from 'zod';
import { dateOrderSettings } from './date-order-setting.js';

/** Fastify's trustProxy: trust no proxy (false), every proxy (true), that many hops, or these proxies. */
export type TrustProxy = boolean | number | string[];

/** Names proxy-addr (Fastify's trustProxy) knows for address ranges. */
const namedRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (namedRanges.has(entry) || isIP(entry) !== 0) return true;
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (!cidr) return false;
  const family = isIP(cidr[1]!);
  return family !== 0 && Number(cidr[2]) <= (family === 4 ? 32 : 128);
}

/** Accepts false, true, a hop count, a list of addresses/CIDRs, or (from the environment) that list comma-separated. */
const trustProxySchema = z.unknown().transform((value, ctx): TrustProxy => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1 && value <= 100) return value;
    ctx.addIssue({ code: 'custom', message: 'a hop count must be a whole number from 1 to 100' });
    return z.NEVER;
  }
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : null;
  if (list === null || list.some((entry) => typeof entry !== 'string')) {
    ctx.addIssue({ code: 'custom', message: 'must be false, true, a hop count or a list of proxy addresses' });
    return z.NEVER;
  }
  const entries = (list as string[]).map((entry) => entry.trim()).filter(Boolean);
  const wrong = entries.find((entry) => !isProxyAddress(entry));
  if (entries.length === 0 || wrong !== undefined) {
    const what =
      wrong === undefined ? 'the list is empty' : `'${wrong}' is not an IP address, a CIDR range (e.g. 10.0.0.0/8) or loopback, linklocal, uniquelocal`;
    ctx.addIssue({ code: 'custom', message: `${what}; use false, true, a hop count or a list of proxy addresses` });
    return z.NEVER;
  }
  return entries;
});

export { dateOrderSettings, type DateOrderSetting } from './date-order-setting.js';

/**
 * The configuration contract. Precedence: CLI flags > MOATMETRICS_* environment >
 * config/config.yaml > these defaults. Every object is strict, so a misspelt key is an
 * error naming the key rather than a silently ignored setting.
 */
export const configSchema = z
  .object({
    data_dir: z.string().min(1).default('./data'),
    /** Access policy (roles, login and session limits); default: config/policies/default.yaml. */
    policy_file: z.string().min(1).nullable().default(null),
    database: z
      .object({
        /** Empty: the embedded SQLite file `<data_dir>/moatmetrics.db`. `postgres://…`: PostgreSQL. */
        url: z
          .string()
          .default('')
          .refine((url) => url === '' || /^postgres(ql)?:\/\//.test(url) || url.startsWith('sqlite:'), {
            message: 'must be empty (embedded SQLite), sqlite:<path> or a postgres:// URL',
          }),
        /** Pool size for PostgreSQL. */
        pool_size: z.number().int().min(1).max(100).default(10),
        /**
         * How long a change (a login, a review decision, a rollback) waits while another
         * process writes (a CLI import on SQLite) before it is refused with MM_DATABASE_BUSY.
         */
        busy_timeout_ms: z.number().int().min(0).max(3_600_000).default(30_000),
        /** How long an import waits for another import to finish before giving up. */
        import_wait_minutes: z
          .number()
          .min(0)
          .max(24 * 60)
          .default(60),
      })
      .strict()
      .default({ url: '', pool_size: 10, busy_timeout_ms: 30_000, import_wait_minutes: 60 }),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** Largest accepted upload (import body), in megabytes. */
        upload_limit_mb: z.number().positive().max(102400).default(512),
        /**
         * Mark the session cookie `Secure` (sent over HTTPS only). Leave off only when browsers
         * reach MoatMetrics over plain HTTP on this machine; turn on behind TLS.
         */
        secure_cookies: z.boolean().default(false),
        /** Origins (e.g. `https://reports.example.com`) allowed to call the API from a browser; none by default. */
        cors_origins: z.array(z.string().url()).default([]),
        /**
         * Behind a reverse proxy: which proxies to believe about the client's address
         * (X-Forwarded-For), protocol and host, so rate limits, the login back-off and security
         * events see the client rather than the proxy. false: none (the connection's address).
         * true: any (only when every request comes through a proxy that overwrites
         * X-Forwarded-For). A number: that many proxies in front. A list: these addresses/CIDRs.
         */
        trust_proxy: trustProxySchema.default(false),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, upload_limit_mb: 512, secure_cookies: false, cors_origins: [], trust_proxy: false }),
    ingest: z
      .object({
        /** `strict`: one bad row rejects the file. `lenient`: good rows load, bad rows are reported. */
        mode: z.enum(['strict', 'lenient']).default('strict'),
        /** Rows per write batch inside the import transaction. */
        batch_rows: z.number().int().min(1).max(1_000_000).default(1000),
        /** Errors kept inline on an import record; all of them go to its rejects file. */
        inline_errors: z.number().int().min(1).max(100_000).default(200),
        /** Show a progress bar on a terminal for files above this size (MB). */
        progress_min_mb: z.number().min(0).default(5),
        /**
         * Files from this size (MB) are parsed and validated on a worker thread while the
         * import writes: a second core for a large import; not worth starting for a small one.
         */
        worker_min_mb: z.number().min(0).default(4),
        /**
         * Day/month order of dates like `03/11/2025`: `auto` decides per column from the whole
         * file (a day above 12 tells) and refuses a column that never tells; `dmy`, `mdy` fix it;
         * `ymd` accepts year-first dates only.
         */
        date_order: z.enum(dateOrderSettings).default('auto'),
      })
      .strict()
      .default({ mode: 'strict', batch_rows: 1000, inline_errors: 200, progress_min_mb: 5, worker_min_mb: 4, date_order: 'auto' }),
    analytics: z
      .object({
        /** Burdened cost per hour for staff without a cost rate (DESIGN section 4). */
        default_cost_rate: z.number().min(0).default(45),
        /** The as-of date data recency is judged against (docs/METRICS.md); null: today. */
        as_of: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
          .nullable()
          .default(null),
        /** Seats kept above those in use when recommending a license reduction (percent). */
        license_headroom_pct: z.number().min(0).max(100).default(10),
      })
      .strict()
      .default({ default_cost_rate: 45, as_of: null, license_headroom_pct: 10 }),
    display: z
      .object({
        /**
         * ISO 4217 code of the currency every amount is in (the data carries no currency):
         * the symbol the CLI prints and the `currency` every analytics and results response names.
         */
        currency: z
          .string()
          .trim()
          .toUpperCase()
          .refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code such as USD, EUR or GBP' })
          .default('USD'),
      })
      .strict()
      .default({ currency: 'USD' }),
    nl: z
      .object({
        /**
         * Optional local language model for questions the grammar cannot map (docs/NL.md): an
         * OpenAI-compatible endpoint on this machine (e.g. Ollama's http://127.0.0.1:11434).
         * Off when null; a host other than localhost/127.x/::1 is refused, so no question
         * leaves the machine.
         */
        llm: z
          .object({
            url: z.string().url().nullable().default(null),
            model: z.string().min(1).default('llama3.2'),
            timeout_ms: z.number().int().min(100).max(120_000).default(5000),
          })
          .strict()
          .default({ url: null, model: 'llama3.2', timeout_ms: 5000 }),
      })
      .strict()
      .default({ llm: { url: null, model: 'llama3.2', timeout_ms: 5000 } }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/** A currency this Node's Intl knows (current ISO 4217 codes; withdrawn ones such as DEM are not). */
function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}
export type ConfigInput = z.input<typeof configSchema>;
