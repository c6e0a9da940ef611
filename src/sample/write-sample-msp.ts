import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { csvTable } from './csv-text.js';
import { formatCents } from './decimal-text.js';
import { buildMspProfile, type SampleMspOptions } from './msp-profile.js';
import { formatIsoDate } from './sample-calendar.js';
import { sampleCsvHeaders, sampleTables, type SampleTable } from './sample-csv-headers.js';
import { priceToTargetMargins } from './client-pricing.js';
import { buildSampleInvoices, invoiceCsvRow } from './sample-invoices.js';
import { buildSampleLicenses, licenseCsvRow } from './sample-licenses.js';
import { buildSampleTimeLogs, timeLogCsvRow } from './sample-time-logs.js';
import { contractValueCents, type SampleClient } from './client-portfolio.js';
import type { SampleStaffMember } from './staff-roster.js';

export interface SampleMspFiles {
  dir: string;
  /** Path of each written file. */
  files: Record<SampleTable, string>;
  /** Data rows of each file (the header not counted). */
  counts: Record<SampleTable, number>;
}

/**
 * Writes the sample MSP (clients, staff, invoices, time logs, licenses) as canonical CSV
 * files into `dir`, creating it if needed. Deterministic: the same options give
 * byte-identical files.
 *
 * @example
 *   const sample = await writeSampleMsp('data/sample');
 *   // sample.files.time_logs === 'data/sample/time_logs.csv'
 */
export async function writeSampleMsp(dir: string, options: SampleMspOptions = {}): Promise<SampleMspFiles> {
  const profile = buildMspProfile(options);
  const { seed, window, staff } = profile;
  const { logs, projectBillingCents } = buildSampleTimeLogs(seed, profile.clients, staff, window);
  const licenses = buildSampleLicenses(seed, profile.clients, window);
  // Prices come last: they are solved from each client's cost and designed margin.
  const clients = priceToTargetMargins(seed, profile.clients, staff, logs, licenses, projectBillingCents, window);
  const invoices = buildSampleInvoices(seed, clients, window, projectBillingCents);

  const rows: Record<SampleTable, string[][]> = {
    clients: clients.map(clientCsvRow),
    staff: staff.map(staffCsvRow),
    invoices: invoices.map((invoice) => invoiceCsvRow(invoice, clients)),
    time_logs: logs.map((log) => timeLogCsvRow(log, clients, staff)),
    licenses: licenses.map(licenseCsvRow),
  };

  await mkdir(dir, { recursive: true });
  const files = {} as Record<SampleTable, string>;
  const counts = {} as Record<SampleTable, number>;
  for (const table of sampleTables) {
    files[table] = path.join(dir, `${table}.csv`);
    counts[table] = rows[table].length;
    await writeFile(files[table], csvTable(sampleCsvHeaders[table], rows[table]));
  }
  return { dir, files, counts };
}

export function clientCsvRow(client: SampleClient): string[] {
  return [
    client.clientId,
    client.clientName,
    client.industry,
    client.status,
    formatCents(contractValueCents(client)),
    formatIsoDate(client.onboardedOn),
    client.churnedOn === null ? '' : formatIsoDate(client.churnedOn),
  ];
}

export function staffCsvRow(member: SampleStaffMember): string[] {
  return [member.staffName, member.role, member.costRateCents === null ? '' : formatCents(member.costRateCents), String(member.weeklyCapacityHours)];
}
