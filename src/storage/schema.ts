/**
 * Table types for Kysely. Money is integer cents, hours are integer milli-hours
 * (1/1000 h, 3.6 s), so sums are exact and identical on SQLite and PostgreSQL.
 * Dates are ISO `YYYY-MM-DD` text on both engines. Every data row records the dataset
 * version that last wrote it and the file line it came from (provenance for explanations).
 */
import type { Generated } from 'kysely';

export interface ProvenanceColumns {
  version_number: number;
  source_line: number;
}

export interface ClientTable extends ProvenanceColumns {
  client_id: string;
  client_name: string;
  /** lower-cased, trimmed name: clients are matched case-insensitively. */
  client_name_key: string;
  industry: string | null;
  status: 'active' | 'inactive' | 'churned';
  contract_value_cents: number | null;
  onboarded_on: string | null;
  churned_on: string | null;
}

export interface StaffTable extends ProvenanceColumns {
  staff_key: string;
  staff_name: string;
  role: string | null;
  cost_rate_cents: number | null;
  weekly_capacity_hours: number;
}

export interface InvoiceTable extends ProvenanceColumns {
  invoice_id: string;
  client_id: string;
  invoice_date: string;
  due_date: string | null;
  total_cents: number;
  status: 'paid' | 'pending' | 'overdue' | 'void' | 'draft';
  currency: string;
}

export interface TimeLogTable extends ProvenanceColumns {
  log_id: string;
  client_id: string;
  staff_key: string;
  staff_name: string;
  work_date: string;
  hours_milli: number;
  rate_cents: number | null;
  billable: number;
  ticket: string | null;
  work_type: string | null;
  notes: string | null;
}

export interface LicenseTable extends ProvenanceColumns {
  license_id: string;
  client_id: string;
  product: string;
  vendor: string | null;
  seats_purchased: number;
  seats_used: number;
  cost_per_seat_cents: number | null;
  total_cost_cents: number | null;
  price_per_seat_cents: number | null;
  billing_term: string | null;
  renewal_date: string | null;
  start_date: string | null;
  end_date: string | null;
  /** Seats invoiced to the client (a PSA's agreement additions, or the canonical column). */
  seats_billed: number | null;
  /** Kinds of vendor file the row's figures come from (`vendor,tenant,billed`); null for a canonical row. */
  sources: string | null;
}

export interface DatasetVersionTable {
  number: number;
  dataset: string;
  import_id: string;
  created_by: string;
  created_at: string;
  file_name: string;
  file_sha256: string;
  rows_added: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  status: 'active' | 'rolled_back';
  rolled_back_at: string | null;
  rolled_back_by: string | null;
  /** 1 when the version holds bundled demo data, not the operator's own. */
  is_demo: number;
  /** 1 when the version removed the demo data (`import --replace-demo`; migration 0013). */
  removes_demo: number;
}

export interface ImportTable {
  id: string;
  dataset: string;
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  encoding: string | null;
  delimiter: string | null;
  mode: 'strict' | 'lenient';
  dry_run: number;
  status: 'succeeded' | 'unchanged' | 'failed' | 'validated';
  version_number: number | null;
  rows_total: number;
  rows_added: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  error_count: number;
  /** The first errors (config ingest.inline_errors) as JSON; all of them are in the rejects file. */
  errors_json: string;
  message: string;
  created_by: string;
  started_at: string;
  finished_at: string;
  /** Relative to the data directory, `/`-separated (migration 0012); see ingest/rejects-file.ts. */
  rejects_file: string | null;
}

/** What a version overwrote, so a rollback can restore it. Inserts need no entry: they are deleted. */
export interface RowUndoTable {
  version_number: number;
  dataset: string;
  row_key: string;
  prior_json: string;
}

export interface AnalyticsRunTable {
  id: string;
  kind: string;
  plan_hash: string;
  plan_json: string;
  dataset_version: number;
  period_from: string;
  period_to: string;
  payload_json: string;
  created_by: string;
  created_at: string;
}

export interface AnalyticsResultTable {
  id: string;
  run_id: string;
  kind: string;
  subject: string;
  subject_label: string;
  metric: string;
  value: number | null;
  confidence: number;
  review_status: 'auto_approved' | 'approved_with_note' | 'pending_review' | 'approved' | 'rejected';
  review_reasons_json: string;
  dataset_version: number;
  detail_json: string;
  created_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_comment: string | null;
  /** The client the result is about (migration 0010); null for portfolio results. Client scope filters on it. */
  client_id: string | null;
}

export interface AppMetaTable {
  key: string;
  value: string;
}

export interface MigrationLockRow {
  id: Generated<string>;
}

/** Monthly rollups (migration 0004, kept exact by metrics/rollups/maintain-rollups.ts). */
interface RollupDates {
  month: string;
  first_date: string;
  last_date: string;
}

export interface RollupTimeClientMonthTable extends RollupDates {
  client_id: string;
  hours_milli: number;
  billable_milli: number;
  labor_known_millicents: number;
  default_rate_milli: number;
  log_count: number;
  long_log_count: number;
}

export interface RollupTimeStaffMonthTable extends RollupDates {
  staff_key: string;
  hours_milli: number;
  billable_milli: number;
  log_count: number;
  long_log_count: number;
}

export interface RollupStaffNameTable {
  staff_key: string;
  staff_name: string;
}

export interface RollupInvoiceClientMonthTable extends RollupDates {
  client_id: string;
  revenue_cents: number;
  collected_cents: number;
  outstanding_cents: number;
  invoice_count: number;
  invoice_rows: number;
}

export interface UserTable {
  id: string;
  username: string;
  role: string;
  password_hash: string;
  must_change_password: number;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  client_scope: string | null;
  created_at: string;
  created_by: string;
  password_changed_at: string;
  last_login_at: string | null;
}

export interface SessionTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
}

export interface AuditEventTable {
  seq: number;
  occurred_at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'denied';
  details_json: string;
  prev_hash: string;
  hash: string;
}

/** Backups written (migration 0007). */
export interface BackupTable {
  id: string;
  created_at: string;
  created_by: string;
  file: string;
  bytes: number;
  sha256: string;
  encrypted: number;
  engine: 'sqlite' | 'postgres';
}

/** Retention runs (migration 0008). */
export interface RetentionRunTable {
  id: string;
  started_at: string;
  finished_at: string;
  actor: string;
  dry_run: number;
  counts_json: string;
  cutoffs_json: string;
  problems_json: string;
}

export interface SecurityEventTable {
  id: string;
  occurred_at: string;
  kind: string;
  actor: string | null;
  ip: string | null;
  method: string | null;
  route: string | null;
  detail: string;
}

/** A spelling of a client name met by an import, and what became of it (migration 0014). */
export interface ClientAliasTable {
  /** The name with case and spacing set aside (ingest/client-match-key.ts clientAliasKey). */
  alias_key: string;
  alias_name: string;
  client_id: string | null;
  status: 'auto' | 'confirmed' | 'unmapped' | 'distinct';
  /** Rows that named the client this way, summed over the imports that recorded it. */
  rows_seen: number;
  first_seen_import: string | null;
  last_seen_import: string | null;
  updated_at: string;
  updated_by: string;
}

/** A saved mapping profile (migration 0016; ingest/import-profiles.ts). */
export interface ImportProfileTable {
  name: string;
  dataset: DataTableName;
  /** JSON array of the header's normalised cells. */
  header_signature_json: string;
  /** JSON object: canonical field → header cell as written. */
  mapping_json: string;
  created_by: string;
  created_at: string;
}

export interface DatabaseSchema {
  clients: ClientTable;
  staff: StaffTable;
  invoices: InvoiceTable;
  time_logs: TimeLogTable;
  licenses: LicenseTable;
  dataset_versions: DatasetVersionTable;
  imports: ImportTable;
  row_undo: RowUndoTable;
  app_meta: AppMetaTable;
  analytics_runs: AnalyticsRunTable;
  analytics_results: AnalyticsResultTable;
  rollup_time_client_month: RollupTimeClientMonthTable;
  rollup_time_staff_month: RollupTimeStaffMonthTable;
  rollup_staff_name: RollupStaffNameTable;
  rollup_invoice_client_month: RollupInvoiceClientMonthTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  audit_events: AuditEventTable;
  security_events: SecurityEventTable;
  backups: BackupTable;
  retention_runs: RetentionRunTable;
  client_aliases: ClientAliasTable;
  import_profiles: ImportProfileTable;
}

export type DataTableName = 'clients' | 'staff' | 'invoices' | 'time_logs' | 'licenses';
