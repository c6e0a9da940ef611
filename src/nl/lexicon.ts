import type { MeasureName } from '../metrics/query-plan.js';

/**
 * The words MSP staff use for each measure, with the label, unit and definition an answer
 * shows. `overdue_amount` is not a metric-layer measure of its own: it is `outstanding`
 * over invoices whose status is overdue (see grammar.ts).
 */

export type LexiconMeasure = MeasureName | 'overdue_amount';

export type MeasureUnit = 'money' | 'percent' | 'hours' | 'count' | 'number';

export interface MeasureEntry {
  measure: LexiconMeasure;
  /** Phrases as regular-expression source over normalised text (see tokenize.ts); longest wins. */
  phrases: string[];
  label: string;
  unit: MeasureUnit;
  /** True when a lower value is the better one (costs, waste): "worst" then means highest. */
  lowerIsBetter?: boolean;
  /** Sums across months and groups (a month without data is 0, not unknown). */
  additive: boolean;
  /** A snapshot of the license list, not a flow over time: no month trends, no period. */
  snapshot?: boolean;
  definition: string;
}

export const measureLexicon: MeasureEntry[] = [
  {
    measure: 'revenue',
    phrases: [
      'revenues?',
      'rev',
      'sales',
      'billings?',
      'billed',
      'bill',
      'turnover',
      'income',
      'invoiced',
      'top ?line',
      'bring in',
      'brought in',
      'brings in',
      'takings',
    ],
    label: 'revenue',
    unit: 'money',
    additive: true,
    definition: 'revenue = invoices dated in the period, not void or draft (credit notes count negative)',
  },
  {
    measure: 'collected_revenue',
    phrases: ['collected', 'collections?', 'cash in', 'paid invoices', 'payments? received', 'received'],
    label: 'collected',
    unit: 'money',
    additive: true,
    definition: 'collected = invoices dated in the period with status paid',
  },
  {
    measure: 'overdue_amount',
    phrases: ['overdue', 'past due', 'late invoices', 'late payments?'],
    label: 'overdue',
    unit: 'money',
    lowerIsBetter: true,
    additive: true,
    definition: 'overdue = invoices with status overdue',
  },
  {
    measure: 'outstanding',
    phrases: ['outstanding', 'owe', 'owes', 'owed', 'owing', 'receivables?', 'a/?r', 'unpaid', 'open invoices', 'still due', 'uncollected'],
    label: 'outstanding',
    unit: 'money',
    lowerIsBetter: true,
    additive: true,
    definition: 'outstanding = invoices with status pending or overdue',
  },
  {
    measure: 'billable_hours',
    phrases: ['billable (?:hours|hrs|hour|hr|time)', 'billed (?:hours|hrs)'],
    label: 'billable hours',
    unit: 'hours',
    additive: true,
    definition: 'billable hours = time logged as billable in the period',
  },
  {
    measure: 'non_billable_hours',
    phrases: ['non ?-?billable(?: hours| hrs| time)?', 'unbillable(?: hours| hrs| time)?'],
    label: 'non-billable hours',
    unit: 'hours',
    additive: true,
    definition: 'non-billable hours = time logged as not billable in the period',
  },
  {
    measure: 'billable_ratio_pct',
    phrases: ['billable (?:ratio|percentage|percent|pct|share|%)', 'billability', 'billable utili[sz]ation'],
    label: 'billable ratio %',
    unit: 'percent',
    additive: false,
    definition: 'billable ratio = billable hours / hours logged',
  },
  {
    measure: 'hours_per_time_entry',
    phrases: ['hours per (?:time )?(?:entry|entries|log|logs|time log)', 'hrs per (?:time )?(?:entry|log)', 'entry length', 'average entry'],
    label: 'hours per time entry',
    unit: 'hours',
    additive: false,
    definition: 'hours per time entry = hours logged / number of time entries',
  },
  {
    measure: 'hours',
    phrases: ['hours', 'hrs', 'hour', 'hr', 'how much time', 'time (?:logged|spent|booked|tracked|worked)', 'logged time', 'effort', 'workload'],
    label: 'hours',
    unit: 'hours',
    additive: true,
    definition: 'hours = time logged in the period',
  },
  {
    measure: 'labor_cost',
    phrases: ['labou?r (?:costs?|spend|expenses?)', 'labou?r', 'staff costs?', 'people costs?', 'payroll(?: costs?)?', 'wage costs?'],
    label: 'labor cost',
    unit: 'money',
    lowerIsBetter: true,
    additive: true,
    definition: "labor cost = hours × each technician's burdened cost rate (the default rate where none is known)",
  },
  {
    measure: 'license_cost',
    phrases: ['licen[cs](?:e|es|ing) (?:costs?|spend|spending|fees?|expenses?)', 'software (?:costs?|spend)', 'subscription costs?'],
    label: 'license cost',
    unit: 'money',
    lowerIsBetter: true,
    additive: true,
    definition: 'license cost = monthly license cost × months of the period',
  },
  {
    measure: 'total_cost',
    phrases: ['total costs?', 'cost to serve', 'costs?', 'expenses?', 'spend', 'spent'],
    label: 'total cost',
    unit: 'money',
    lowerIsBetter: true,
    additive: true,
    definition: 'total cost = labor cost + license cost',
  },
  {
    measure: 'gross_margin_pct',
    phrases: ['gross margin(?: %| percent| percentage| pct)?', 'profit margin', 'margins?(?: %| percent| pct)?', 'gm ?%', 'gm ?pct', 'gm', 'profitability'],
    label: 'gross margin %',
    unit: 'percent',
    additive: false,
    definition: 'gross margin = (revenue − labor cost − license cost) / revenue',
  },
  {
    measure: 'gross_profit',
    phrases: ['gross profits?', 'profits?', 'profitable', 'gp', 'made money', 'make money', 'earnings'],
    label: 'gross profit',
    unit: 'money',
    additive: true,
    definition: 'gross profit = revenue − labor cost − license cost',
  },
  {
    measure: 'effective_hourly_rate',
    phrases: ['effective (?:hourly )?rate', 'eff(?:ective)? rate', 'ehr', 'hourly rate', 'rate per hour', 'reali[sz]ed rate', 'effective hourly'],
    label: 'effective hourly rate',
    unit: 'money',
    additive: false,
    definition: 'effective hourly rate = (revenue − license cost) / hours logged',
  },
  {
    measure: 'license_waste',
    phrases: ['waste', 'wasted', 'wasting', 'shelfware', 'cost of unused', 'spend(?:ing)? on unused', 'throwing away'],
    label: 'monthly license waste',
    unit: 'money',
    lowerIsBetter: true,
    additive: true,
    snapshot: true,
    definition: 'license waste = unused seats × monthly cost per seat (a monthly snapshot of the license list)',
  },
  {
    measure: 'over_assigned_seats',
    phrases: [
      'over ?-?(?:assigned|allocated|deployed|licensed|subscribed)',
      'under ?-?licensed',
      'more seats (?:in use|used|assigned) than (?:purchased|bought|licensed|paid for)',
      'using more seats than',
    ],
    label: 'over-assigned seats',
    unit: 'count',
    lowerIsBetter: true,
    additive: true,
    snapshot: true,
    definition: 'over-assigned seats = seats in use beyond those purchased (a compliance risk)',
  },
  {
    measure: 'unused_seats',
    phrases: [
      'unused (?:seats?|licen[cs]es?|subscriptions?)',
      '(?:idle|spare|empty|unassigned|free) (?:seats?|licen[cs]es?)',
      'seats? (?:not in use|unused)',
      'unused',
    ],
    label: 'unused seats',
    unit: 'count',
    lowerIsBetter: true,
    additive: true,
    snapshot: true,
    definition: 'unused seats = seats purchased beyond those in use',
  },
  {
    measure: 'license_utilization_pct',
    phrases: [
      '(?:licen[cs]e|seat|subscription) (?:utili[sz]ation|util|usage|use)',
      '(?:percentage|percent|share|%) of (?:the |our )?(?:[a-z0-9@_]+ )*?seats (?:are )?(?:in use|used|assigned)',
      'seats (?:are )?in use',
    ],
    label: 'seat utilization %',
    unit: 'percent',
    additive: false,
    snapshot: true,
    definition: 'seat utilization = seats in use / seats purchased',
  },
  {
    measure: 'staff_utilization_pct',
    phrases: ['(?:staff|team|tech|technician|engineer) (?:utili[sz]ation|util)', 'utili[sz]ation', 'utili[sz]ed', 'util'],
    label: 'utilization %',
    unit: 'percent',
    additive: false,
    definition: 'utilization = billable hours / (weekly capacity × weeks in the period)',
  },
  {
    measure: 'seats_purchased',
    phrases: ['seats? (?:purchased|bought)', '(?:purchased|licensed|total) seats', 'seat count'],
    label: 'seats purchased',
    unit: 'count',
    additive: true,
    snapshot: true,
    definition: 'seats purchased on the license list',
  },
  {
    measure: 'seats_used',
    phrases: ['seats? used', '(?:used|assigned|active) seats'],
    label: 'seats used',
    unit: 'count',
    additive: true,
    snapshot: true,
    definition: 'seats in use on the license list',
  },
  {
    measure: 'contract_value',
    phrases: ['contract values?', 'contract sizes?', 'contracts? worth', 'mrr'],
    label: 'contract value',
    unit: 'money',
    additive: true,
    definition: "contract value = the clients' contract values",
  },
];

export const lexiconByMeasure = new Map<LexiconMeasure, MeasureEntry>(measureLexicon.map((entry) => [entry.measure, entry]));

/** Label, unit and definition of measures the grammar picks without a word of their own (counts, averages). */
export const derivedEntries: Partial<Record<LexiconMeasure, Omit<MeasureEntry, 'phrases'>>> = {
  client_count: { measure: 'client_count', label: 'clients', unit: 'count', additive: true, definition: 'clients in the client list within the filters' },
  invoice_count: { measure: 'invoice_count', label: 'invoices', unit: 'count', additive: true, definition: 'invoices dated in the period, not void or draft' },
  all_invoice_count: {
    measure: 'all_invoice_count',
    label: 'invoices',
    unit: 'count',
    additive: true,
    definition: 'invoices dated in the period with the status asked for',
  },
  staff_count: {
    measure: 'staff_count',
    label: 'staff',
    unit: 'count',
    additive: true,
    definition: 'staff in the staff list (and anyone else who logged time)',
  },
  license_count: { measure: 'license_count', label: 'licenses', unit: 'count', additive: true, snapshot: true, definition: 'licenses on the license list' },
  average_monthly_revenue: {
    measure: 'average_monthly_revenue',
    label: 'average revenue per month',
    unit: 'money',
    additive: false,
    definition: 'average revenue per month = revenue / calendar months of the period',
  },
  average_contract_value: {
    measure: 'average_contract_value',
    label: 'average contract value',
    unit: 'money',
    additive: false,
    definition: 'average contract value = Σ contract values / clients that have one',
  },
  time_entry_count: { measure: 'time_entry_count', label: 'time entries', unit: 'count', additive: true, definition: 'time entries logged in the period' },
};

export function entryOf(measure: LexiconMeasure): Omit<MeasureEntry, 'phrases'> {
  return (
    lexiconByMeasure.get(measure) ??
    derivedEntries[measure] ?? { measure, label: measure.replace(/_/g, ' '), unit: 'number', additive: false, definition: measure }
  );
}

/** Every phrase of every measure, longest first, compiled once. */
export const measurePatterns: Array<{ measure: LexiconMeasure; pattern: RegExp; length: number }> = measureLexicon
  .flatMap((entry) =>
    entry.phrases.map((phrase) => ({ measure: entry.measure, pattern: new RegExp(`(?<=[\\s])${phrase}(?=[\\s])`, 'g'), length: phrase.length })),
  )
  .sort((a, b) => b.length - a.length);

/** Data MoatMetrics does not hold: a question about it is answered with what we do hold. */
export const unsupportedTopics: Array<{ pattern: RegExp; topic: string }> = [
  { pattern: /\b(tickets?|incidents?|sla|response times?|resolution times?|first response)\b/, topic: 'tickets and service levels' },
  { pattern: /\b(nps|csat|satisfaction|happiness|net promoter|reviews? score|sentiment)\b/, topic: 'customer satisfaction' },
  {
    pattern: /\b(weather|temperature|rain|forecast|predict|prediction|stock price|share price|capital of|president|recipe|joke)\b/,
    topic: 'anything outside your MSP data',
  },
  { pattern: /\b(pipeline|leads?|deals?|quotes?|proposals?|opportunit(y|ies))\b/, topic: 'sales pipeline' },
  { pattern: /\b(devices?|endpoints?|servers?|alerts?|patch(es|ing)?|backups? status|uptime)\b/, topic: 'devices and monitoring' },
  { pattern: /\b(churn rate|retention rate|ltv|lifetime value|cac)\b/, topic: 'retention and acquisition rates' },
];

/** Words that can follow "how many" and name what is counted. */
export const countNouns: Array<{ pattern: RegExp; what: 'clients' | 'invoices' | 'staff' | 'licenses' }> = [
  { pattern: /\b(clients?|customers?|accounts?|logos?|companies)\b/, what: 'clients' },
  { pattern: /\b(invoices?|bills)\b/, what: 'invoices' },
  { pattern: /\b(staff|staff members?|techs?|technicians?|engineers?|employees?|people|team members?|headcount|heads)\b/, what: 'staff' },
  { pattern: /\b(licen[cs]es|subscriptions)\b/, what: 'licenses' },
];

/**
 * The unit of an answer column by its label ("revenue" → money), for surfaces that format
 * the plain numbers of an answer for people (the CLI table); null for entity, month and
 * free-form columns.
 */
export function unitOfColumn(label: string): MeasureUnit | null {
  for (const entry of [...measureLexicon, ...Object.values(derivedEntries)]) if (entry?.label === label) return entry.unit;
  return null;
}
