import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorCatalogue, isMmError, MmError, type ErrorCode } from '../errors.js';

/** The one shape of every error response. */
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export function errorBody(error: MmError): ErrorResponse {
  const body: ErrorResponse = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/** Error responses every route can give; routes add their own codes to these. */
export const commonErrorResponses = {
  400: errorResponseSchema.describe('MM_VALIDATION: a parameter is invalid'),
  500: errorResponseSchema.describe('MM_INTERNAL: unexpected failure (logged with the request id)'),
};

export function uploadTooLargeError(limitMb: number): MmError {
  return new MmError(
    'MM_UPLOAD_TOO_LARGE',
    `The upload is larger than the limit of ${limitMb} MB (server.upload_limit_mb, policy uploads.max_mb); nothing was imported.`,
    { limitMb },
  );
}

/** MM_VALIDATION naming every refused value, e.g. `querystring.mode: Invalid option: expected one of "strict"|"lenient"`. */
export function validationError(location: string, issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>): MmError {
  const located = issues.map((issue) => ({ location, path: issue.path.map(String).join('.'), message: issue.message }));
  const summary = located.map((issue) => `${issue.location}${issue.path ? `.${issue.path}` : ''}: ${issue.message}`).join('; ');
  return new MmError('MM_VALIDATION', `The request is invalid: ${summary}`, { issues: located });
}

export interface ErrorHandlerOptions {
  uploadLimitMb: number;
  /** Told about every refusal (4xx) with its code, e.g. to record security events; failures here are logged, never answered. */
  onRefused?: (error: MmError, request: FastifyRequest) => Promise<void>;
}

/**
 * Translates every failure into the one error shape. Expected failures (MmError, request
 * validation, Fastify's client errors) keep their message; anything else is logged in full
 * and answered with a generic MM_INTERNAL, so no stack, SQL or file path reaches a client.
 */
export function createErrorHandler(options: ErrorHandlerOptions) {
  return async function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const translated = translateError(error, options, request);
    if (translated.status >= 500) request.log.error({ err: error }, 'request failed');
    else {
      request.log.info({ code: translated.code, message: translated.message }, 'request refused');
      await options.onRefused?.(translated, request).catch((failure: unknown) => request.log.error({ err: failure }, 'recording a refusal failed'));
    }
    if (translated.code === 'MM_UPLOAD_TOO_LARGE') {
      // The rest of the body is never read: close the connection rather than leave it unread on a kept-alive socket.
      reply.header('connection', 'close');
    }
    return reply.status(translated.status).send(errorBody(translated));
  };
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0]!.slice(0, 200);
  return reply.status(404).send(errorBody(new MmError('MM_NOT_FOUND', `No route ${request.method} ${path}.`)));
}

function translateError(error: unknown, options: ErrorHandlerOptions, request: FastifyRequest): MmError {
  if (isMmError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = (error as FastifyError).validationContext ?? 'request';
    return validationError(
      location,
      error.validation.map((issue) => ({ path: issue.instancePath.split('/').filter(Boolean), message: issue.message ?? 'is invalid' })),
    );
  }
  if (isFastifyError(error)) {
    if (error.code === 'FST_REQ_FILE_TOO_LARGE') return uploadTooLargeError(options.uploadLimitMb);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // A parsed (JSON) body over Fastify's bodyLimit, not an import upload.
      return new MmError('MM_UPLOAD_TOO_LARGE', `The request body is larger than this route accepts (${request.routeOptions.bodyLimit} bytes).`);
    }
    const status = error.statusCode ?? 500;
    if (status === 404) return new MmError('MM_NOT_FOUND', error.message);
    // Fastify's own client errors (bad JSON, unsupported media type, multipart limits) have safe
    // messages; their FST_ codes are Fastify's internals, so the reason is said in words.
    if (status >= 400 && status < 500) {
      const reason = fastifyReasons[error.code] ?? 'the request cannot be read';
      const message = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? unsupportedMediaType(request) : error.message;
      return new MmError('MM_VALIDATION', message, { reason });
    }
  }
  return new MmError('MM_INTERNAL', `An unexpected error occurred; it has been logged with request id ${request.id}.`, { requestId: request.id });
}

/** Fastify's client-error codes in words (details.reason); anything else is "the request cannot be read". */
const fastifyReasons: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty JSON body',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content type',
  FST_ERR_CTP_INVALID_TYPE: 'invalid content type',
  FST_ERR_CTP_EMPTY_TYPE: 'missing content type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'body length differs from Content-Length',
  FST_ERR_CTP_INVALID_CHARSET: 'unsupported character set',
  FST_ERR_BAD_URL: 'malformed URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URL parameter too long',
  FST_ERR_VALIDATION: 'invalid request',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'not a multipart body',
};

function unsupportedMediaType(request: FastifyRequest): string {
  const type = String(request.headers['content-type'] ?? '').slice(0, 100);
  return `The content type '${type}' is not accepted here: send JSON with Content-Type: application/json.`;
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused (not HTTP, headers too
 * large, too slow to arrive) never reaches Fastify, so the answer is written on the socket —
 * in the one error shape, with the security headers that matter for a JSON body.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [message, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['The request headers are too large.', 'headers too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['The request did not arrive in time.', 'request timeout']
        : ['The request is not valid HTTP.', 'malformed HTTP request'];
  const body = JSON.stringify(errorBody(new MmError('MM_VALIDATION', message, { reason })));
  if (socket.writable) {
    socket.write(
      [
        'HTTP/1.1 400 Bad Request',
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
        'X-Content-Type-Options: nosniff',
        'X-Frame-Options: SAMEORIGIN',
        'Cache-Control: no-store',
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  }
  socket.destroy(error);
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as FastifyError).code === 'string' && (error as FastifyError).code.startsWith('FST_');
}
