/**
 * The one error catalogue. Every error a user can meet has a stable code, an HTTP status
 * and a message template, declared here once; the API, the CLI and docs/ERRORS.md use it.
 * Modules throw `new MmError(code, message, details?)` with a code from this catalogue (e.g.
 * `new MmError('MM_VERSION_NOT_FOUND', 'version 7 does not exist')`), never ad-hoc errors.
 */

export interface ErrorSpec {
  status: number;
  /** Short title for docs and API responses. */
  title: string;
}

export const errorCatalogue = {
  MM_CONFIG_INVALID: { status: 500, title: 'Configuration is invalid' },
  MM_USAGE: { status: 400, title: 'Command used wrongly' },
  MM_FILE_NOT_FOUND: { status: 400, title: 'File not found' },
  MM_IMPORT_UNKNOWN_DATASET: { status: 404, title: 'Unknown dataset' },
  MM_IMPORT_UNKNOWN_PRESET: { status: 400, title: 'Unknown import preset' },
  MM_IMPORT_ENCODING: { status: 422, title: 'File encoding cannot be read' },
  MM_IMPORT_MALFORMED_CSV: { status: 422, title: 'File is not well-formed CSV' },
  MM_IMPORT_HEADER: { status: 422, title: 'Header row is missing required columns' },
  MM_IMPORT_BAD_ROWS: { status: 422, title: 'Rows failed validation' },
  MM_IMPORT_EMPTY: { status: 422, title: 'File has no data rows' },
  MM_IMPORT_AMBIGUOUS_DATES: { status: 422, title: 'Day and month cannot be told apart in a date column' },
  MM_IMPORT_WORKBOOK_UNSUPPORTED: { status: 422, title: 'Workbook is an old .xls or password-protected' },
  MM_IMPORT_WORKBOOK_UNREADABLE: { status: 422, title: 'Workbook cannot be read' },
  MM_IMPORT_UNKNOWN_SHEET: { status: 400, title: 'Workbook has no sheet of that name' },
  MM_IMPORT_NEEDS_CLIENT: { status: 422, title: 'The file names no client' },
  MM_IMPORT_PRICE_LIST: { status: 422, title: 'The price list cannot be read' },
  MM_IMPORT_NOT_FOUND: { status: 404, title: 'Import not found' },
  MM_PROFILE_NOT_FOUND: { status: 404, title: 'No saved mapping profile of that name' },
  MM_PROFILE_EXISTS: { status: 409, title: 'A mapping profile of that name exists' },
  MM_PROFILE_INVALID: { status: 400, title: 'The mapping profile cannot be saved as given' },
  MM_CLIENT_NOT_FOUND: { status: 404, title: 'Client not found' },
  MM_CLIENT_NAME_NOT_FOUND: { status: 404, title: 'No import has met this client name' },
  MM_CLIENT_NAME_CONFLICT: { status: 409, title: 'This client name cannot be changed that way' },
  MM_DEMO_DATA: { status: 409, title: 'The database holds the bundled demo data' },
  MM_UPLOAD_TOO_LARGE: { status: 413, title: 'Upload is larger than the configured limit' },
  MM_UPLOAD_MISSING_FILE: { status: 400, title: 'No file in the upload' },
  MM_VERSION_NOT_FOUND: { status: 404, title: 'Dataset version not found' },
  MM_VERSION_ROLLBACK: { status: 409, title: 'Rollback is not possible' },
  MM_DATABASE_UNAVAILABLE: { status: 503, title: 'Database is unavailable' },
  MM_DATABASE_BUSY: { status: 503, title: 'Another process is writing to the database' },
  MM_ALREADY_RUNNING: { status: 409, title: 'Another server already serves this data directory' },
  MM_QUERY_INVALID: { status: 400, title: 'Query plan is invalid' },
  MM_VALIDATION: { status: 400, title: 'Request is invalid' },
  MM_INPUT_NUL_BYTE: { status: 400, title: 'Text in the request contains a NUL character' },
  MM_AUTH_REQUIRED: { status: 401, title: 'Log in or send an API token' },
  MM_AUTH_INVALID: { status: 401, title: 'Session or API token is not valid' },
  MM_LOGIN_FAILED: { status: 401, title: 'User name or password is wrong' },
  MM_ACCOUNT_LOCKED: { status: 429, title: 'Account is locked after repeated failed logins' },
  MM_LOGIN_THROTTLED: { status: 429, title: 'Too many failed logins for this user name from this address' },
  MM_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  MM_FORBIDDEN: { status: 403, title: 'Your role does not allow this' },
  MM_PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Change your password first' },
  MM_CROSS_ORIGIN: { status: 403, title: 'A page of another origin may not change data with your session' },
  MM_SESSION_REQUIRED: { status: 403, title: 'Log in with a password for this; an API token cannot do it' },
  MM_PASSWORD_WEAK: { status: 400, title: 'Password is too weak' },
  MM_USER_EXISTS: { status: 409, title: 'User already exists' },
  MM_USER_NOT_FOUND: { status: 404, title: 'User not found' },
  MM_TOKEN_NOT_FOUND: { status: 404, title: 'API token not found' },
  MM_AUDIT_CHAIN_BROKEN: { status: 409, title: 'Audit trail has been tampered with' },
  MM_AUDIT_GAP: { status: 409, title: 'A change has no audit event' },
  MM_REVIEW_CONFLICT: { status: 409, title: 'Result is not waiting for a decision' },
  MM_FOUR_EYES: { status: 403, title: 'Four-eyes rule: someone else must decide this' },
  MM_BACKUP_FAILED: { status: 500, title: 'Backup could not be written' },
  MM_RESTORE_REFUSED: { status: 422, title: 'Backup cannot be restored' },
  MM_RESTORE_FAILED: { status: 500, title: 'Restore failed while replacing the database' },
  MM_CONVERSATION_NOT_FOUND: { status: 404, title: 'Conversation not found or ended' },
  MM_NOT_FOUND: { status: 404, title: 'Not found' },
  MM_INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An expected, user-facing failure. Its message is safe to show; it never carries a stack to users. */
export class MmError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'MmError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = details;
  }
}

export function isMmError(error: unknown): error is MmError {
  return error instanceof MmError;
}
