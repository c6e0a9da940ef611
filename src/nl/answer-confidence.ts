import { computeConfidence } from '../explain/confidence.js';
import { daysIn, monthsTouched } from '../metrics/period.js';
import type { MetricResult } from '../metrics/run-query.js';
import { LONG_TIME_LOG_MILLI } from '../metrics/sources/fact-sums.js';

/**
 * The data confidence of an answer (DESIGN section 5), from the sums behind its rows: cost
 * rates known, sample sizes, long time entries, recency and assumptions. Factors the
 * answer's sources do not touch weigh nothing (invoice counts say nothing about license
 * waste); months without data are not known per answer, so gaps are not scored here.
 */
export function dataConfidence(result: MetricResult, asOf: string, dataTo: string | null): number {
  const total = (name: string): number => result.sums.reduce((sum, row) => sum + (row[name] ?? 0), 0);
  const hoursTotal = total('hours_milli') / 1000;
  const timeLogs = total('time_log_count');
  const invoices = total('invoice_count');
  const usesLabor = result.plan.measures.some((m) => /cost|profit|margin|rate/.test(m) && m !== 'license_cost');
  const usesInvoices = result.plan.measures.some((m) => /revenue|collected|outstanding|invoice|profit|margin|rate/.test(m));
  const usesLogs = hoursTotal > 0 || result.plan.measures.some((m) => /hours|labor|utilization|ratio|entry/.test(m));
  const months = monthsTouched(result.period);
  const confidence = computeConfidence(
    {
      hoursTotal,
      hoursWithCostRate: hoursTotal - total('default_rate_milli') / 1000,
      invoiceCount: invoices,
      timeLogCount: timeLogs,
      monthsCovered: months,
      monthsWithInvoices: months,
      monthsWithTimeLogs: months,
      daysSinceLatestData: dataTo && dataTo < asOf ? daysIn({ from: dataTo, to: asOf }) - 1 : 0,
      missingFieldShare: 0,
      outlierShare: timeLogs === 0 ? 0 : Math.min(1, total('long_log_count') / timeLogs),
      outlierRule: `time entries over ${LONG_TIME_LOG_MILLI / 1000} hours`,
      assumptions: result.assumptions,
    },
    {
      weights: {
        cost_rate_coverage: usesLabor ? 1 : 0,
        invoice_sample_size: usesInvoices && result.rows.length <= 1 ? 1 : 0,
        time_log_sample_size: usesLogs && result.rows.length <= 1 ? 0.5 : 0,
        period_gaps: 0,
      },
    },
  );
  return confidence.value;
}
