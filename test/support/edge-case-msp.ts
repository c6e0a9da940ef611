import assert from 'node:assert/strict';
import { importFile } from '../../src/ingest/import-file.js';
import type { TestContext } from './test-database.js';

/**
 * A small MSP where every edge case of DESIGN section 4 appears: a credit note, void and
 * draft invoices, a staff member without a cost rate and one missing from the staff list,
 * a license with 0 seats, over-assigned seats, a license starting and one ending inside the
 * period, a client with no revenue and one with no hours. Expected values are worked out
 * by hand in the comments, not produced by the code under test.
 */
export const edgeCaseMsp: Record<'clients' | 'staff' | 'invoices' | 'time_logs' | 'licenses', string> = {
  clients: 'client_id,client_name,industry\nC1,Acme,Retail\nC2,Beta,Legal\nC3,Cobalt,Healthcare\nC4,Delta,Legal\n',
  staff: 'staff_name,cost_rate,weekly_capacity_hours\nAnn,50.00,40\nBob,,20\n',
  invoices: [
    'invoice_id,client_id,invoice_date,total_amount,status',
    'I1,C1,2025-01-31,1000.00,paid',
    'I2,C1,2025-02-28,1000.00,pending',
    'I3,C1,2025-03-15,-200.00,paid',
    'I4,C1,2025-03-31,500.00,void',
    'I5,C2,2025-01-31,300.00,overdue',
    'I6,C2,2025-02-10,700.00,draft',
    'I7,C4,2025-02-15,400.00,paid',
    '',
  ].join('\n'),
  time_logs: [
    'log_id,client_id,staff_name,date,hours,billable',
    'T1,C1,Ann,2025-01-10,10,true',
    'T2,C1,Bob,2025-02-10,4,true',
    'T3,C1,Ann,2025-03-05,2,false',
    'T4,C2,Bob,2025-01-20,6,true',
    'T5,C3,Cy,2025-02-01,3,true',
    'T6,C2,Ann,2025-03-31,0.5,false',
    '',
  ].join('\n'),
  licenses: [
    'license_id,client_id,product,vendor,seats_purchased,seats_used,cost_per_seat,total_cost,start_date,end_date',
    'L1,C1,Microsoft 365 E3,Microsoft,10,6,20.00,,,',
    'L2,C1,Zoom Pro,Zoom,2,3,,30.00,,',
    'L3,C2,Duo MFA,Cisco,0,0,3.00,,,',
    'L4,C2,Microsoft 365 E3,Microsoft,5,5,,100.00,2025-02-15,',
    'L5,C3,Acrobat Pro,Adobe,4,1,,60.00,,2025-01-10',
    '',
  ].join('\n'),
};

/** Imports the fixture (clients first) through the real importer: versions 1–5. */
export async function importEdgeCaseMsp(t: TestContext): Promise<void> {
  for (const [dataset, content] of Object.entries(edgeCaseMsp)) {
    const report = await importFile(t.database, t.config, { dataset, file: t.file(`${dataset}.csv`, content) });
    assert.equal(report.status, 'succeeded', report.message);
  }
}
