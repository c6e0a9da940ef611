/**
 * Deterministic sample data for MoatMetrics: a realistic MSP (clients, staff, invoices,
 * time logs, licenses) as canonical CSV, and big time-log files for benchmarks.
 */
export { writeSampleMsp, type SampleMspFiles } from './write-sample-msp.js';
export type { SampleMspOptions } from './msp-profile.js';
export { writeLargeTimeLogs, type LargeTimeLogOptions } from './write-large-time-logs.js';
export { writeLargeMspReferenceData, type LargeMspReferenceDataOptions } from './write-large-msp-reference-data.js';
export { sampleCsvHeaders, type SampleTable } from './sample-csv-headers.js';
