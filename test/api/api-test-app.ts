import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { createTestContext, type EngineName, type TestContext } from '../support/test-database.js';

export interface ApiTest {
  t: TestContext;
  app: FastifyInstance;
  /** Bearer token of the `test-admin` user that `app.inject` sends unless a request brings its own credentials. */
  adminToken: string;
  close(): Promise<void>;
}

/** Header that makes `app.inject` send a request without the default admin token. */
export const ANONYMOUS = { 'x-test-anonymous': '1' } as const;

/**
 * A scratch data dir, a fresh database on `engine` and the API over it (not yet ready:
 * hooks may still be added). Tests of features other than access control act as an admin:
 * `app.inject` adds the admin's bearer token to every request that has no Authorization
 * header or cookie of its own and is not marked with ANONYMOUS.
 */
export async function startApiTest(engine: EngineName = 'sqlite', configOverrides: Record<string, unknown> = {}): Promise<ApiTest> {
  const t = await createTestContext(engine, configOverrides);
  const { policy } = loadPolicy(null);
  const app = await buildApp({ config: t.config, database: t.database, policy });
  await createUser(t.database.kysely, policy, { username: 'test-admin', role: 'admin', password: 'correct-horse-battery-9', createdBy: 'test' });
  const { token: adminToken } = await createApiToken(t.database.kysely, policy, await requireUser(t.database.kysely, 'test-admin'), {
    name: 'tests',
    actor: 'test',
  });
  const inject = app.inject.bind(app) as (options: InjectOptions) => Promise<LightMyRequestResponse>;
  (app as unknown as { inject: (options: InjectOptions | string) => Promise<LightMyRequestResponse> }).inject = (options) => {
    const opts: InjectOptions = typeof options === 'string' ? { url: options } : options;
    const headers = { ...((opts.headers ?? {}) as Record<string, string>) };
    if (headers['x-test-anonymous'] === undefined && headers.authorization === undefined && headers.cookie === undefined && opts.cookies === undefined) {
      headers.authorization = `Bearer ${adminToken}`;
    }
    return inject({ ...opts, headers });
  };
  return {
    t,
    app,
    adminToken,
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
}

/** The `{ error: { code, message, details } }` body of a response, checked to have that shape. */
export function errorOf(response: LightMyRequestResponse): { code: string; message: string; details?: unknown } {
  const body = response.json() as { error?: { code?: unknown; message?: unknown } };
  if (!body.error || typeof body.error.code !== 'string' || typeof body.error.message !== 'string') {
    throw new Error(`not an error body (${response.statusCode}): ${response.body}`);
  }
  return body.error as { code: string; message: string; details?: unknown };
}

export function csvUpload(url: string, csv: string | Buffer, headers: Record<string, string> = {}): InjectOptions {
  return { method: 'POST', url, headers: { 'content-type': 'text/csv', ...headers }, payload: csv };
}

/** A multipart/form-data upload as FormData (streamed: no Content-Length, like a browser's chunked upload). */
export function formUpload(url: string, csv: string | Buffer, fileName: string, fields: Record<string, string> = {}): InjectOptions {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([csv], { type: 'text/csv' }), fileName);
  return { method: 'POST', url, payload: form };
}

/** The same upload as one buffer with a Content-Length, as curl -F sends it. */
export function formUploadWithLength(url: string, csv: string | Buffer, fileName: string): InjectOptions {
  const boundary = '----moatmetrics-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(csv),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return {
    method: 'POST',
    url,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(payload.length) },
    payload,
  };
}

export { clientsCsv, timeLogsCsv } from '../support/small-msp.js';

/** Line 3: negative hours (column 5). Line 4: a client nobody imported (column 2). */
export const badTimeLogsCsv = [
  'log_id,client_id,staff_name,date,hours,rate,billable',
  'B1,C1,Ann Lee,2025-02-03,1,95,true',
  'B2,C1,Ann Lee,2025-02-04,-2,95,true',
  'B3,ZZ9,Bob Ray,2025-02-05,1,95,true',
  '',
].join('\n');
