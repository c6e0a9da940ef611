import path from 'node:path';
import { profitabilityByClient } from '../../src/analytics/profitability.js';
import { staffUtilization } from '../../src/analytics/staff-utilization.js';
import { importFile } from '../../src/ingest/import-file.js';
import { createTestContext, type EngineName, type TestContext } from './test-database.js';

/** test/fixtures/vendor-exports: one small MSP as canonical files and as each vendor's export of the same facts. */
export const vendorExports = path.join(import.meta.dirname, '..', 'fixtures', 'vendor-exports');

export const fixture = (name: string): string => path.join(vendorExports, name);

/** The canonical base files, in order, except those the vendor file replaces. */
const baseFiles: Array<[string, string]> = [
  ['clients', 'canonical/clients.csv'],
  ['staff', 'canonical/staff.csv'],
  ['invoices', 'canonical/invoices.csv'],
  ['time_logs', 'canonical/time_logs.csv'],
];

/**
 * What a person reads off the imported data: each client's profitability and each
 * technician's hours, rounded as the API shows them. Two imports of the same facts must give
 * the same figures.
 */
export async function figuresAfter(engine: EngineName, replace: { dataset: string; file: string; preset?: string }): Promise<unknown> {
  const t: TestContext = await createTestContext(engine);
  try {
    for (const [dataset, file] of baseFiles) {
      const source = dataset === replace.dataset ? replace.file : fixture(file);
      const report = await importFile(t.database, t.config, {
        dataset,
        file: source,
        actor: 'tester',
        ...(dataset === replace.dataset && replace.preset ? { preset: replace.preset } : {}),
      });
      if (report.status !== 'succeeded') throw new Error(`${path.basename(source)}: ${report.message}\n${report.errors.map((e) => e.message).join('\n')}`);
    }
    const profitability = await profitabilityByClient(t.database, t.config, {});
    const staff = await staffUtilization(t.database, t.config, {});
    return {
      clients: profitability.rows,
      staff: staff.rows.map((r) => ({ name: r.staffName, hours: r.hours, billable: r.billableHours })),
    };
  } finally {
    await t.cleanup();
  }
}
