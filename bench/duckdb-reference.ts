/**
 * The reference engine for the analytics benchmark: the same profitability-by-client
 * aggregation in DuckDB over the same generated CSV files, loaded into typed tables with
 * the same integer units (cents, milli-hours). Used only by bench/analytics.bench.ts.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { monthsTouched, type Period } from '../src/metrics/period.js';

export interface ReferenceFiles {
  clients: string;
  staff: string;
  invoices: string;
  time_logs: string;
  licenses: string;
}

export interface ReferenceRow {
  client_id: string;
  revenue_cents: number;
  labor_millicents: number;
  license_cents: number;
  hours_milli: number;
}

export async function duckdbReference(files: ReferenceFiles, period: Period, defaultCostRateCents: number) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const load = performance.now();
  const csv = (file: string) => `read_csv('${file.replaceAll("'", "''")}', header = true, all_varchar = true)`;
  await connection.run(`CREATE TABLE clients AS SELECT client_id FROM ${csv(files.clients)}`);
  await connection.run(
    `CREATE TABLE staff AS SELECT lower(trim(staff_name)) AS staff_key, CAST(round(CAST(NULLIF(cost_rate, '') AS DOUBLE) * 100) AS BIGINT) AS cost_rate_cents FROM ${csv(files.staff)}`,
  );
  await connection.run(
    `CREATE TABLE invoices AS SELECT client_id, CAST(invoice_date AS DATE) AS invoice_date, status, CAST(round(CAST(total_amount AS DOUBLE) * 100) AS BIGINT) AS total_cents FROM ${csv(files.invoices)}`,
  );
  await connection.run(
    `CREATE TABLE time_logs AS SELECT client_id, lower(trim(staff_name)) AS staff_key, CAST(date AS DATE) AS work_date, CAST(round(CAST(hours AS DOUBLE) * 1000) AS BIGINT) AS hours_milli FROM ${csv(files.time_logs)}`,
  );
  await connection.run(
    `CREATE TABLE licenses AS SELECT client_id, CAST(seats_purchased AS BIGINT) * CAST(round(CAST(cost_per_seat AS DOUBLE) * 100) AS BIGINT) AS monthly_cents FROM ${csv(files.licenses)}`,
  );
  const loadSeconds = (performance.now() - load) / 1000;

  const months = monthsTouched(period);
  const query = `
    WITH inv AS (
      SELECT client_id, SUM(CASE WHEN status NOT IN ('void', 'draft') THEN total_cents ELSE 0 END) AS revenue_cents
      FROM invoices WHERE invoice_date BETWEEN DATE '${period.from}' AND DATE '${period.to}' GROUP BY client_id),
    tl AS (
      SELECT t.client_id, SUM(t.hours_milli) AS hours_milli,
             SUM(t.hours_milli * COALESCE(s.cost_rate_cents, ${defaultCostRateCents})) AS labor_millicents
      FROM time_logs t LEFT JOIN staff s ON s.staff_key = t.staff_key
      WHERE t.work_date BETWEEN DATE '${period.from}' AND DATE '${period.to}' GROUP BY t.client_id),
    lic AS (SELECT client_id, SUM(monthly_cents) * ${months} AS license_cents FROM licenses GROUP BY client_id)
    SELECT c.client_id, COALESCE(inv.revenue_cents, 0) AS revenue_cents, COALESCE(tl.labor_millicents, 0) AS labor_millicents,
           COALESCE(lic.license_cents, 0) AS license_cents, COALESCE(tl.hours_milli, 0) AS hours_milli
    FROM clients c LEFT JOIN inv USING (client_id) LEFT JOIN tl USING (client_id) LEFT JOIN lic USING (client_id)`;
  const run = async (): Promise<ReferenceRow[]> => {
    const reader = await connection.runAndReadAll(query);
    return reader.getRowObjects().map((row) => ({
      client_id: String(row.client_id),
      revenue_cents: Number(row.revenue_cents),
      labor_millicents: Number(row.labor_millicents),
      license_cents: Number(row.license_cents),
      hours_milli: Number(row.hours_milli),
    }));
  };
  return {
    loadSeconds,
    run,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
