import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MmError } from '../errors.js';
import { looksSuspicious, recordSecurityEvent } from '../governance/security-events.js';
import type { Database } from '../storage/database.js';

/**
 * What every request is checked for before any route, authentication or database sees it:
 *
 * - a NUL character in any text input — the path and its parameters, the query string,
 *   a header, a JSON body (values and keys; multipart fields and file names are checked
 *   where the upload is read, imports.upload.ts). PostgreSQL cannot store NUL in text, so
 *   it used to fail as a 500, unrecorded; now it is MM_INPUT_NUL_BYTE (400) naming the field,
 *   recorded as a `suspicious_input` security event;
 * - a URL Fastify's router cannot decode (`/api/v1/results/%FF`), which Fastify answered
 *   itself in its own shape without security headers: see `routeFrameworkErrors`;
 * - probing in the URL (path traversal, script tags, SQL idioms): recorded, then answered
 *   like any request.
 */
export function installInputGuard(app: FastifyInstance, { database }: { database: Database }): void {
  app.addHook('onRequest', async (request) => {
    const probe = (route: string, detail: string) =>
      recordSecurityEvent(database.kysely, { kind: 'suspicious_input', ip: request.ip, method: request.method, route, detail });
    const refusal = frameworkRefusals.get(request.raw);
    if (refusal) {
      await probe(refusal.url, refusal.detail);
      throw refusal.error;
    }
    const field = nulInRequestLine(request) ?? nulInHeaders(request);
    if (field) throw nulError(field);
    const why = looksSuspicious(request.url);
    if (why) await probe(request.url, why);
  });
  app.addHook('preValidation', async (request) => {
    const field = findNul(request.body, 'body');
    if (field) throw nulError(field);
  });
}

export function nulError(field: string): MmError {
  const message = `${field} contains a NUL character (\\0); no text sent to MoatMetrics may contain one`;
  return new MmError('MM_INPUT_NUL_BYTE', message, { field });
}

/**
 * The field of `value` (a string, or an object or array of them, keys included) that holds
 * a NUL, e.g. `body.username`; null when none does.
 */
export function findNul(value: unknown, location: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? location : null;
  if (value === null || typeof value !== 'object' || depth > 64 || Buffer.isBuffer(value) || value instanceof Readable) return null;
  for (const [key, child] of Object.entries(value)) {
    const where = `${location}.${visible(key)}`;
    if (key.includes(NUL)) return where;
    const found = findNul(child, where, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Text with its NUL characters shown as ␀ (U+2400), safe to store and print. */
export function visible(text: string): string {
  return text.replaceAll(NUL, '\u2400');
}

const NUL = '\u0000';

function nulInRequestLine(request: FastifyRequest): string | null {
  const params = findNul(request.params, 'params');
  // `*` is the not-found handler's catch-all: the whole path, not a parameter anyone declared.
  if (params) return params === 'params.*' ? 'path' : params;
  const query = findNul(request.query, 'query');
  if (query) return query;
  // Parameters are decoded by the router only for matched routes; an unmatched path is checked whole.
  const path = request.url.split('?')[0]!;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Undecodable parts are refused by the router (routeFrameworkErrors) or are not NUL.
  }
  return decoded.includes(NUL) ? 'path' : null;
}

function nulInHeaders(request: FastifyRequest): string | null {
  for (const [name, value] of Object.entries(request.headers)) {
    if ([value].flat().some((text) => typeof text === 'string' && text.includes(NUL))) return `headers.${name}`;
  }
  return null;
}

interface FrameworkRefusal {
  error: MmError;
  /** The request target as the client sent it (the request itself is re-routed). */
  url: string;
  detail: string;
}

const frameworkRefusals = new WeakMap<IncomingMessage, FrameworkRefusal>();

/** A path no route has: a refused request is routed there, to the not-found handler's hooks. */
const REFUSED_PATH = '/.moatmetrics-refused';

/**
 * Fastify's `frameworkErrors` option. The router cannot decode some URLs (`%FF` is not
 * UTF-8) or finds a parameter too long, and then answers before any hook: no security
 * headers, Fastify's own error shape. Instead the request is routed again to a path that
 * matches nothing, remembering the refusal; the guard's onRequest hook throws it once
 * helmet, CORS and the rate limit have run, so it is answered like every other error.
 */
export function routeFrameworkErrors(app: () => FastifyInstance) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const url = request.raw.url ?? '';
    const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
    const refusal: FrameworkRefusal = tooLong
      ? {
          url,
          detail: 'URL parameter too long',
          error: new MmError('MM_VALIDATION', 'A part of the URL path is too long.', { reason: 'URL parameter too long' }),
        }
      : {
          url,
          detail: 'malformed percent-encoding',
          error: new MmError('MM_VALIDATION', 'The URL is not valid: a %XX escape in its path does not encode UTF-8 text.', {
            reason: 'malformed URL',
          }),
        };
    frameworkRefusals.set(request.raw, refusal);
    request.raw.url = REFUSED_PATH;
    app().routing(request.raw, reply.raw);
  };
}

/** The request target the client sent, also for a request re-routed by routeFrameworkErrors. */
export function requestTarget(request: FastifyRequest): string {
  return frameworkRefusals.get(request.raw)?.url ?? request.url;
}
