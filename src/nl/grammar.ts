import type { DimensionName, MeasureName, QueryPlanInput, Threshold } from '../metrics/query-plan.js';
import { closestClients, readEntities, type Entity, type EntityMatch, type Vocabulary } from './entities.js';
import { countNouns, entryOf, measurePatterns, unsupportedTopics, type LexiconMeasure } from './lexicon.js';
import { readPeriod, type NlPeriod } from './periods.js';
import { checkQuestion } from './safety.js';
import { readLimit, readThresholds, type ThresholdReading } from './thresholds.js';
import { consume, editDistance, normalizeQuestion } from './tokenize.js';
import type { AnswerShape, QueryUnderstanding, Subject, Understanding } from './understanding.js';
import { findUnknownName } from './unknown-names.js';

/**
 * The grammar: a question, in steps that each take what they recognise out of the text —
 * safety, period, names, statuses, thresholds, row counts, measures — and then the intent
 * from what is left (why, count, average, compare, trend, ranking, set, breakdown, total).
 * The result is a QueryPlan for the metric layer, or a reason to ask back.
 */

export interface GrammarContext {
  vocabulary: Vocabulary;
  /** Anchor for relative periods (YYYY-MM-DD). */
  asOf: string;
}

const subjectNouns: Array<{ pattern: RegExp; subject: Subject }> = [
  { pattern: /\b(clients?|customers?|accounts?|logos?|companies)\b/, subject: 'client' },
  { pattern: /\b(staff|staff members?|techs?|technicians?|engineers?|employees?|people|team members?|person|technician|whos?)\b/, subject: 'staff' },
  { pattern: /\b(industries|industry|sectors?|verticals?)\b/, subject: 'industry' },
  { pattern: /\b(vendors?|suppliers?|publishers?)\b/, subject: 'vendor' },
  { pattern: /\b(products?|skus?|plans?)\b/, subject: 'product' },
];

const groupWords = '(?:by|per|each|every|for each|for every|for all|broken down by|split by|grouped by|across each)';
const breakdownPattern = new RegExp(
  `\\b${groupWords}\\s(?:the\\s)?(clients?|customers?|accounts?|staff(?: members?)?|techs?|technicians?|engineers?|employees?|person|people|industry|industries|sectors?|verticals?|vendors?|products?|skus?|months?|quarter)\\b|\\b(client|customer|staff|tech|industry|vendor|product)[- ]?(?:wise|level|breakdown)\\b`,
);
const nounSubject = (noun: string): Subject =>
  /^(client|customer|account)/.test(noun)
    ? 'client'
    : /^(industr|sector|vertical)/.test(noun)
      ? 'industry'
      : /^vendor/.test(noun)
        ? 'vendor'
        : /^(product|sku)/.test(noun)
          ? 'product'
          : /^month/.test(noun)
            ? 'month'
            : noun === 'quarter'
              ? 'quarter'
              : 'staff';

const trendPattern =
  /\b(by month|per month|each month|every month|monthly|month by month|month over month|month-over-month|mom|trend(?:s|ing)?|over time|by months|per mo|each mo)\b/;
const quarterTrendPattern = /\b(quarterly|quarter by quarter|quarter over quarter|qoq)\b/;
/** "per client", "a month", "per tech": what an average is taken over. */
const averagePerPattern =
  /\b(?:per|a|each|by|for each|for every|across|over)\s(client|customer|account|month|mo|staff member|staff|tech|technician|engineer|employee|person|head|industry|vendor|product)s?\b/;
const pluralRowsPattern =
  /(?:^|\s)(clients|customers|accounts|staff|techs|technicians|engineers|employees|industries|vendors|products)\s(?:with|that|who|which|having|where|whose|under|over|below|above)\s/;
const descWords = /\b(top|highest|most|largest|biggest|greatest|max(?:imum)?|leading|high|more|best|hig?hest)\b/;
const ascWords = /\b(bottom|lowest|least|smallest|fewest|min(?:imum)?|low|worst|less)\b/;
const countTrigger = /(?<=\s)(how many|number of|count of|count|# of|#|no of|nr of|total number of|num of|tally of)(?=\s)/;
const averageTrigger = /\b(average|avg|mean|typical)\b/;
const whyTrigger = /\b(why|explain|reason|reasons|what is driving|whats driving|what drives|cause of|causing|behind)\b/;
const compareTrigger = /\b(compare|comparison|vs|versus|against|compared|and|or|between)\b/;

const clientStatusWords: Array<{ pattern: RegExp; status: 'active' | 'inactive' | 'churned' }> = [
  { pattern: /\b(inactive|dormant|paused)\b/, status: 'inactive' },
  {
    pattern:
      /\b(churned|former|lost|cancell?ed|ex|departed|gone)\b(?=\s(?:clients?|customers?|accounts?|@e_client))|\b(clients?|customers?|accounts?) (?:that|who|which)? ?(?:have )?churned\b|\bchurned\b/,
    status: 'churned',
  },
  {
    pattern:
      /\b(active|current|live|existing)\b(?=\s(?:\S+\s)?(?:clients?|customers?|accounts?))|\b(clients?|customers?|accounts?) (?:that |who |which )?(?:are |is )?(?:still )?(?:currently )?active\b/,
    status: 'active',
  },
];

const invoiceStatusWords: Array<{ pattern: RegExp; statuses: Array<'paid' | 'pending' | 'overdue' | 'void' | 'draft'> }> = [
  { pattern: /\b(overdue|past due|late)\b/, statuses: ['overdue'] },
  { pattern: /\b(unpaid|outstanding|open|owed)\b/, statuses: ['pending', 'overdue'] },
  { pattern: /\b(pending|awaiting payment|not yet due|due)\b/, statuses: ['pending'] },
  { pattern: /\b(void|voided|cancell?ed)\b/, statuses: ['void'] },
  { pattern: /\b(drafts?)\b/, statuses: ['draft'] },
  { pattern: /\b(paid|settled|collected)\b/, statuses: ['paid'] },
];

/** Measures a staff member has (invoices and licenses are not assigned to staff). */
const staffMeasures = new Set<LexiconMeasure>([
  'hours',
  'billable_hours',
  'non_billable_hours',
  'labor_cost',
  'billable_ratio_pct',
  'staff_utilization_pct',
  'time_entry_count',
  'hours_per_time_entry',
]);

/** Measure words worth recognising with a typo ("revnue", "margn", "utilisaton"). */
const lexiconWords: Array<{ word: string; measure: LexiconMeasure }> = [
  ['revenue', 'revenue'],
  ['margin', 'gross_margin_pct'],
  ['profitability', 'gross_margin_pct'],
  ['profit', 'gross_profit'],
  ['hours', 'hours'],
  ['utilization', 'staff_utilization_pct'],
  ['utilisation', 'staff_utilization_pct'],
  ['billable', 'billable_hours'],
  ['outstanding', 'outstanding'],
  ['overdue', 'overdue_amount'],
  ['collected', 'collected_revenue'],
  ['labor', 'labor_cost'],
  ['waste', 'license_waste'],
  ['unused', 'unused_seats'],
  ['effective', 'effective_hourly_rate'],
  ['turnover', 'revenue'],
  ['sales', 'revenue'],
].map(([word, measure]) => ({ word: word!, measure: measure as LexiconMeasure }));

interface MeasureHit {
  measure: LexiconMeasure;
  index: number;
}

/** Measure words a name must not swallow, built once (every question is read against them). */
const lexiconWordSet: ReadonlySet<string> = new Set(lexiconWords.map((w) => w.word));

export function understand(question: string, context: GrammarContext): Understanding {
  const verdict = checkQuestion(question);
  if (verdict)
    return {
      kind: 'refused',
      reason: verdict.reason,
      message: `This question was refused: ${verdict.message}. Ask about your clients, staff, invoices, time or licenses in plain words.`,
    };

  const notes: string[] = [];
  let confidence = 1;
  const normalized = normalizeQuestion(question);

  for (const topic of unsupportedTopics) {
    if (topic.pattern.test(normalized))
      return clarify(`MoatMetrics has no data on ${topic.topic}: it knows invoices, time logs, licenses, clients and staff.`, []);
  }

  // 1. Period.
  const periodReading = readPeriod(normalized, context.asOf);
  if (periodReading.kind === 'after_as_of') {
    return clarify(`There is no data for ${periodReading.label}: the data runs to ${periodReading.asOf}. Which period up to then do you mean?`, [
      `${stripPeriodless(question)} this year`,
      `${stripPeriodless(question)} last quarter`,
    ]);
  }
  const period: NlPeriod | null = periodReading.kind === 'period' ? periodReading.period : null;
  const periodLabel = period ? `${period.label} (${period.from} to ${period.to})` : 'all data';

  // 2. Names.
  const entityReading = readEntities(periodReading.text, context.vocabulary, lexiconWordSet);
  if (entityReading.ambiguous.length > 0) {
    const { typed, candidates } = entityReading.ambiguous[0]!;
    const names = candidates.map((c) => c.name);
    return clarify(
      `'${typed}' could be ${listOr(names)}. Did you mean ${listOr(names)}?`,
      names.map((name) => replaceTyped(question, typed, name)),
    );
  }
  let text = entityReading.text;
  const matches = entityReading.matches;
  for (const match of matches) {
    if (match.how === 'typo') {
      confidence -= 0.05;
      notes.push(`'${match.typed}' read as ${match.entity.name}`);
    } else if (match.how === 'partial') {
      confidence -= 0.1;
      notes.push(`'${match.typed}' read as ${match.entity.name}`);
    }
  }
  const byKind = (kind: Entity['kind']): Entity[] => matches.filter((m) => m.entity.kind === kind).map((m) => m.entity);

  // 3. Statuses, thresholds and row counts (before measures: "overdue invoices" is a status here).
  const clientStatuses = new Set<'active' | 'inactive' | 'churned'>();
  for (const { pattern, status } of clientStatusWords) if (pattern.test(text)) clientStatuses.add(status);

  const thresholdReading = readThresholds(text);
  text = thresholdReading.text;
  const limitReading = readLimit(text);
  text = limitReading.text;
  const limit = limitReading.limit;

  // 4. Counts of things ("how many clients", "number of overdue invoices").
  const countMatch = countTrigger.exec(text);
  let counted: (typeof countNouns)[number]['what'] | null = null;
  if (countMatch) {
    const after = text.slice(countMatch.index + countMatch[0].length);
    const noun = countNouns
      .map((n) => ({ n, m: new RegExp(`^\\s(?:\\S+\\s){0,3}?${n.pattern.source}`).exec(after) }))
      .filter((x) => x.m)
      .sort((a, b) => a.m![0].length - b.m![0].length)[0];
    if (noun) counted = noun.n.what;
  }
  const nounFirst = /(?<=\s)(clients?|customers?|accounts?|invoices?|staff|techs?|headcount)(?: (count|counts|number|total))?(?=\s)/.exec(text);
  if (!counted && nounFirst && (nounFirst[2] || nounFirst[1] === 'headcount'))
    counted = /^(client|customer|account)/.test(nounFirst[1]!) ? 'clients' : /^invoice/.test(nounFirst[1]!) ? 'invoices' : 'staff';
  const invoiceStatuses = counted === 'invoices' ? (invoiceStatusWords.find((s) => s.pattern.test(text))?.statuses ?? null) : null;

  // 5. Measures.
  const hits: MeasureHit[] = [];
  for (const { measure, pattern } of measurePatterns) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      hits.push({ measure, index: match.index });
      text = consume(text, match.index, match.index + match[0].length);
    }
  }
  if (hits.length === 0) {
    for (const word of text.split(' ').filter((w) => w.length >= 4)) {
      const near = lexiconWords.find(
        (l) => l.word.length >= 5 && editDistance(word, l.word, l.word.length >= 9 ? 2 : 1) <= (l.word.length >= 9 ? 2 : 1) && word[0] === l.word[0],
      );
      if (near) {
        hits.push({ measure: near.measure, index: text.indexOf(` ${word} `) });
        text = text.replace(` ${word} `, ' '.repeat(word.length + 2));
        notes.push(`'${word}' read as ${entryOf(near.measure).label}`);
        confidence -= 0.1;
      }
    }
  }
  hits.sort((a, b) => a.index - b.index);
  let measures = [...new Set(hits.map((h) => h.measure))];
  // "revenue collected", "revenue still outstanding": the more specific amount is the one asked.
  if (measures.some((m) => m === 'collected_revenue' || m === 'outstanding' || m === 'overdue_amount')) measures = measures.filter((m) => m !== 'revenue');
  if (measures.includes('overdue_amount')) measures = measures.filter((m) => m !== 'outstanding');
  if (measures.includes('license_waste')) measures = measures.filter((m) => m !== 'unused_seats' && m !== 'total_cost');
  if (measures.includes('hours_per_time_entry')) measures = measures.filter((m) => m !== 'hours');
  // "how much time did Frankie spend": time, not money.
  if (measures.some((m) => m === 'hours' || m === 'billable_hours')) measures = measures.filter((m) => m !== 'total_cost');
  // Utilization of seats, not of people, when licenses are what the question is about.
  const aboutLicenses = byKind('product').length > 0 || byKind('vendor').length > 0 || /\b(seats?|licen[cs]es?|subscriptions?)\b/.test(text);
  if (
    measures.includes('staff_utilization_pct') &&
    aboutLicenses &&
    byKind('staff').length === 0 &&
    !/\b(staff|techs?|technicians?|team|engineers?)\b/.test(text)
  ) {
    measures = measures.map((m) => (m === 'staff_utilization_pct' ? 'license_utilization_pct' : m));
  }

  const unknown = findUnknownName(question, text);
  if (unknown) {
    const near = closestClients(unknown, context.vocabulary);
    return clarify(
      `No client, staff member, product or vendor is called '${unknown}'.${near.length ? ` Did you mean ${listOr(near)}?` : ''}`,
      near.map((name) => replaceTyped(question, unknown, name)),
    );
  }

  const entities = matches.map((m) => ({ typed: m.typed, entity: m.entity, how: m.how }));

  // 6. Why.
  if (
    whyTrigger.test(text) &&
    (measures.length === 0 || measures.some((m) => m === 'gross_margin_pct' || m === 'gross_profit' || m === 'effective_hourly_rate'))
  ) {
    const clients = byKind('client');
    if (clients.length !== 1) return clarify('Which client should I explain? e.g. "why is Acme\'s margin low?"', []);
    return { kind: 'why', client: clients[0]!, period, periodLabel, entities, notes, parseConfidence: round(confidence) };
  }

  const filters: NonNullable<QueryPlanInput['filters']> = {};
  if (period) {
    filters.from = period.from;
    filters.to = period.to;
  }
  const clients = byKind('client');
  const staff = byKind('staff');
  const products = byKind('product');
  const vendors = byKind('vendor');
  const industries = byKind('industry');
  if (clients.length) filters.clients = clients.map((e) => e.value);
  if (staff.length) filters.staff = staff.map((e) => e.value);
  if (products.length) filters.products = products.map((e) => e.value);
  if (vendors.length) filters.vendors = vendors.map((e) => e.value);
  if (industries.length) filters.industries = industries.map((e) => e.value);
  if (clientStatuses.size) filters.clientStatuses = [...clientStatuses];

  const base = { period, periodLabel, entities, notes };

  // 7. Counts.
  if (counted) {
    if (counted === 'invoices') {
      if (invoiceStatuses) filters.invoiceStatuses = invoiceStatuses;
      const measure: MeasureName = invoiceStatuses ? 'all_invoice_count' : 'invoice_count';
      return query({
        ...base,
        plan: { measures: [measure], filters },
        shape: 'scalar',
        measure,
        columns: [measure],
        subject: null,
        parseConfidence: round(confidence),
      });
    }
    const subject: Subject = counted === 'clients' ? 'client' : counted === 'staff' ? 'staff' : 'client';
    const conditions = thresholdsFor(thresholdReading.thresholds, measures, subject);
    if (counted === 'licenses') {
      return query({
        ...base,
        plan: { measures: ['license_count'], filters },
        shape: 'scalar',
        measure: 'license_count',
        columns: ['license_count'],
        subject: null,
        parseConfidence: round(confidence),
      });
    }
    // Clients that have a product or vendor, or meet a condition: the rows of that question, counted.
    if (counted === 'clients' && (products.length || vendors.length) && conditions.length === 0) {
      conditions.push({ measure: 'license_count', op: '>', value: 0 });
    }
    if (conditions.length > 0 || (counted === 'clients' && measures.length > 0 && !['contract_value'].includes(measures[0]!))) {
      if (conditions.length === 0) conditions.push({ measure: planMeasure(measures[0]!), op: '>', value: 0 });
      const columns = [...new Set(conditions.map((c) => c.measure))];
      return query({
        ...base,
        plan: { measures: columns, groupBy: [subject], filters: { ...filters, thresholds: conditions }, sort: [{ by: columns[0]!, direction: 'asc' }] },
        shape: 'count_rows',
        measure: columns[0]!,
        columns,
        subject,
        parseConfidence: round(confidence),
      });
    }
    const measure: MeasureName = counted === 'staff' ? 'staff_count' : 'client_count';
    const split = breakdownPattern.exec(text);
    const by = split ? nounSubject((split[1] ?? split[2])!) : null;
    if (measure === 'client_count' && by === 'industry') {
      return query({
        ...base,
        plan: { measures: [measure], groupBy: ['industry'], filters, sort: [{ by: measure, direction: 'desc' }] },
        shape: 'ranking',
        measure,
        columns: [measure],
        subject: 'industry',
        parseConfidence: round(confidence),
      });
    }
    return query({
      ...base,
      plan: { measures: [measure], filters },
      shape: 'scalar',
      measure,
      columns: [measure],
      subject: null,
      parseConfidence: round(confidence),
    });
  }

  // 8. Averages the question defines.
  let meanOver: Subject | null = null;
  if (averageTrigger.test(text) || /\/\s?12\b|÷\s?12\b/.test(text)) {
    const per = averagePerPattern.exec(text);
    const perSubject = per ? nounSubject(per[1] === 'mo' ? 'month' : per[1]!) : null;
    const additiveFlow = measures.length > 0 && entryOf(measures[0]!).additive && !entryOf(measures[0]!).snapshot;
    if (measures[0] === 'revenue' && (/\b(per month|a month|each month|monthly)\b/.test(text) || /\/\s?12\b|÷\s?12\b/.test(text)))
      measures[0] = 'average_monthly_revenue';
    else if (measures[0] === 'contract_value') measures[0] = 'average_contract_value';
    else if (per && additiveFlow && perSubject !== null && (perSubject !== 'staff' || staffMeasures.has(measures[0]!))) {
      // "avg hrs per client", "average labor cost per month": the grouped figure, averaged.
      meanOver = perSubject;
      text = consume(text, per.index, per.index + per[0].length);
    } else if (
      measures.length > 0 &&
      !['hours_per_time_entry', 'gross_margin_pct', 'effective_hourly_rate', 'billable_ratio_pct', 'staff_utilization_pct', 'license_utilization_pct'].includes(
        measures[0]!,
      )
    ) {
      notes.push(`read as the total ${entryOf(measures[0]!).label}: say "per month" or "per client" for an average`);
      confidence -= 0.2;
    }
  }

  // The measure: named, or told by a threshold's unit ("clients with over 20 hours").
  if (measures.length === 0) {
    const unitMeasure = thresholdReading.thresholds.map((t) => measureOfUnit(t, subjectOf(text, measures, staff.length > 0))).find(Boolean);
    if (unitMeasure) measures = [unitMeasure];
  }
  // "list clients in legal", "show churned customers": the clients themselves, with their contract value
  // (or their seats, when a product or vendor is what picks them).
  if (measures.length === 0 && !counted && /\b(list|show|which|who|name|display|give)\b/.test(text) && subjectOf(text, measures, false) === 'client') {
    measures = [products.length || vendors.length ? 'seats_purchased' : 'contract_value'];
    notes.push(`no figure named: each client's ${entryOf(measures[0]!).label} is shown`);
    confidence -= 0.1;
  }
  if (measures.length === 0) {
    return {
      ...clarify('Which figure do you want? e.g. revenue, gross margin, hours, labor cost, license waste, utilization.', [
        `revenue ${stripPeriodless(question)}`.trim(),
        `gross margin ${stripPeriodless(question)}`.trim(),
      ]),
      unmapped: true,
    } as Understanding;
  }
  const measure = measures[0]!;
  const entry = entryOf(measure);

  if (meanOver) {
    const entryMean = entryOf(measures[0]!);
    const by = meanOver === 'month' ? 'month' : meanOver;
    notes.push(
      `average = ${entryMean.label} ÷ ${by === 'month' ? 'calendar months of the period' : `${subjectPlural(by)} with any ${entryMean.label} in the period`}`,
    );
    return query({
      ...base,
      plan: { measures: [planMeasure(measures[0]!)], groupBy: [by as DimensionName], filters },
      shape: 'mean_rows',
      measure: measures[0]!,
      columns: [measures[0]!],
      subject: by,
      parseConfidence: round(confidence),
    });
  }

  // 9. Shape.
  const explicitGroup = breakdownPattern.exec(text);
  let groupSubject: Subject | null = explicitGroup ? nounSubject((explicitGroup[1] ?? explicitGroup[2])!) : null;
  const monthless = entry.snapshot || measure === 'average_monthly_revenue';
  // "waste per month", "average revenue per month": a monthly figure, not a split by month.
  if (monthless && (groupSubject === 'month' || groupSubject === 'quarter')) groupSubject = null;
  const byQuarter = !monthless && (groupSubject === 'quarter' || quarterTrendPattern.test(text));
  const wantsTrend = !monthless && (trendPattern.test(text) || groupSubject === 'month' || byQuarter);
  const timeUnit = byQuarter ? 'quarter' : 'month';
  const subject = subjectOf(text, measures, staff.length > 0);
  const conditions = thresholdsFor(thresholdReading.thresholds, measures, subject ?? 'client');
  const columns: LexiconMeasure[] = [measure, ...conditions.map((c) => c.measure as LexiconMeasure).filter((m) => m !== planMeasure(measure))];
  const planMeasures = [...new Set(columns.map(planMeasure))];
  if (measure === 'overdue_amount') filters.invoiceStatuses = ['overdue'];

  // Compare: two or more names of one kind.
  const compared = (['client', 'staff', 'industry', 'vendor', 'product'] as const).find((kind) => byKind(kind).length >= 2);
  if (compared && compareTrigger.test(text) && !wantsTrend) {
    return query({
      ...base,
      plan: { measures: planMeasures, groupBy: [compared], filters, sort: [{ by: planMeasure(measure), direction: 'desc' }] },
      shape: 'ranking',
      measure,
      columns,
      subject: compared,
      parseConfidence: round(confidence),
    });
  }

  if (wantsTrend) {
    return query({
      ...base,
      plan: { measures: planMeasures, groupBy: [timeUnit], filters, sort: [{ by: timeUnit, direction: 'asc' }] },
      shape: 'trend',
      measure,
      columns,
      subject: timeUnit,
      parseConfidence: round(confidence),
    });
  }

  const desc = descWords.exec(text);
  const asc = ascWords.exec(text);
  const superlative = desc || asc || limit !== null;
  // "clients with over-assigned seats", "techs under 60% util": a plural noun asks for the rows.
  const rowsAsked = /\b(which|what|who|whos|list|show)\b/.test(text) || pluralRowsPattern.test(text);
  if (!groupSubject && (superlative || conditions.length > 0 || rowsAsked)) groupSubject = subject;
  // "top 5 by rev", "worst 3 by gp": a ranked number of rows with no noun ranks clients (staff for staff-only figures).
  if (!groupSubject && limit !== null && (desc || asc))
    groupSubject = clients.length === 0 && (measure === 'staff_utilization_pct' || measure === 'billable_ratio_pct') ? 'staff' : 'client';
  // "which clients have over-assigned seats": those with any.
  if (
    groupSubject &&
    !superlative &&
    conditions.length === 0 &&
    !explicitGroup &&
    /\b(have|has|having|with)\b/.test(text) &&
    entry.additive &&
    entry.unit !== 'percent'
  ) {
    conditions.push({ measure: planMeasure(measure), op: '>', value: 0 });
  }

  if (!groupSubject) {
    // "labor cost vs revenue for Coastal Law": every figure named, the first one first.
    const named = [...new Set([...columns, ...measures.slice(1, 3)])].filter((m) => m === measure || entryOf(m).snapshot === entry.snapshot);
    const scalarMeasures = [...new Set(named.map(planMeasure))];
    return query({
      ...base,
      plan: { measures: scalarMeasures, filters },
      shape: 'scalar',
      measure,
      columns: named,
      subject: null,
      parseConfidence: round(confidence),
    });
  }
  if (groupSubject === 'staff' && !staffMeasures.has(measure)) {
    return clarify(`${cap(entry.label)} is not kept per staff member (invoices and licenses belong to clients). Ask it per client instead?`, [
      replaceWords(question, /\b(staff( members?)?|techs?|technicians?|employees?|people|who)\b/i, 'clients'),
    ]);
  }
  let direction: 'asc' | 'desc' = 'desc';
  if (superlative) {
    const first = [desc, asc].filter((m): m is RegExpExecArray => m !== null).sort((a, b) => a.index - b.index)[0];
    const word = first?.[0] ?? 'top';
    const ascending = asc !== null && first === asc;
    // "worst" margin is the lowest; "worst" waste the highest.
    direction = /^(best|worst)$/.test(word) ? ((word === 'worst') !== Boolean(entry.lowerIsBetter) ? 'asc' : 'desc') : ascending ? 'asc' : 'desc';
  } else if (conditions.length > 0) {
    direction = conditions[0]!.op.startsWith('<') ? 'asc' : 'desc';
  }
  const shape: AnswerShape = superlative ? 'ranking' : conditions.length > 0 ? 'set' : 'ranking';
  let rowLimit: number | undefined;
  if (limit !== null) rowLimit = limit;
  else if (superlative && !explicitGroup && conditions.length === 0) {
    // "which client had the highest margin": one; "top clients": ten.
    const singular =
      /\b(which|what|who|whos)\s(?:\S+\s)?(client|customer|account|staff member|tech|technician|employee|person|industry|vendor|product)\b/.test(text) ||
      /\bwho\b/.test(text);
    rowLimit = singular ? 1 : 10;
    if (!singular) notes.push('the first 10 are shown: say "top 5" or "every client" for another number');
  }
  return query({
    ...base,
    plan: {
      measures: planMeasures,
      groupBy: [groupSubject as DimensionName],
      filters: conditions.length ? { ...filters, thresholds: conditions } : filters,
      sort: [{ by: planMeasure(measure), direction }],
      ...(rowLimit ? { limit: rowLimit } : {}),
    },
    shape,
    measure,
    columns,
    subject: groupSubject,
    parseConfidence: round(confidence),
  });
}

/** The metric-layer measure a lexicon measure runs as. */
export function planMeasure(measure: LexiconMeasure): MeasureName {
  return measure === 'overdue_amount' ? 'outstanding' : measure;
}

/** Who the rows are: named ("which staff"), implied by the measure ("who's under 30% util"), or clients. */
function subjectOf(text: string, measures: LexiconMeasure[], staffNamed: boolean): Subject | null {
  const found = subjectNouns
    .map(({ pattern, subject }) => ({ subject, match: pattern.exec(text) }))
    .filter((x) => x.match !== null && !(x.subject === 'staff' && /^whos?$/.test(x.match[0])))
    .sort((a, b) => a.match!.index - b.match!.index)[0];
  if (found) return found.subject;
  if (/\b(who|whos)\b/.test(text)) {
    const measure = measures[0];
    if (
      measure &&
      (measure === 'staff_utilization_pct' ||
        measure === 'billable_ratio_pct' ||
        (staffMeasures.has(measure) && /\b(log|logged|logs|worked|work|booked|tracked)\b/.test(text)))
    )
      return 'staff';
    return 'client';
  }
  if (staffNamed) return null;
  return null;
}

function thresholdsFor(readings: ThresholdReading[], measures: LexiconMeasure[], subject: Subject): Threshold[] {
  return readings.map((reading) => {
    if (reading.fixedMeasure) return { measure: reading.fixedMeasure, op: reading.op, value: reading.value };
    const named = measures.find((m) => unitFits(m, reading.unit));
    const measure = named ?? measureOfUnit(reading, subject) ?? measures[0] ?? 'revenue';
    return { measure: planMeasure(measure), op: reading.op, value: reading.value };
  });
}

function unitFits(measure: LexiconMeasure, unit: ThresholdReading['unit']): boolean {
  const entry = entryOf(measure);
  if (unit === 'none') return true;
  if (unit === 'seats') return entry.unit === 'count';
  return entry.unit === unit;
}

function measureOfUnit(reading: ThresholdReading, subject: Subject | null): LexiconMeasure | null {
  if (reading.fixedMeasure) return reading.fixedMeasure;
  if (reading.unit === 'hours') return 'hours';
  if (reading.unit === 'percent') return subject === 'staff' ? 'staff_utilization_pct' : 'gross_margin_pct';
  if (reading.unit === 'money') return 'revenue';
  if (reading.unit === 'seats') return 'unused_seats';
  return null;
}

function query(understanding: Omit<QueryUnderstanding, 'kind' | 'periodLabel'> & { periodLabel: string }): QueryUnderstanding {
  return { kind: 'query', ...understanding, parseConfidence: Math.max(0.3, understanding.parseConfidence) };
}

function clarify(message: string, suggestions: string[]): Understanding {
  return { kind: 'clarify', message, suggestions: suggestions.filter((s, i, all) => s.trim() && all.indexOf(s) === i).slice(0, 5) };
}

function listOr(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** The question with the words that named something replaced by `name` (case-insensitively). */
function replaceTyped(question: string, typed: string, name: string): string {
  const words = typed.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(words.join("[\\s\\W]*?(?:'s)?[\\s\\W]*"), 'i');
  return pattern.test(question) ? question.replace(pattern, name) : `${question} (${name})`;
}

function replaceWords(question: string, pattern: RegExp, replacement: string): string {
  return question.replace(pattern, replacement);
}

/** The question without its trailing punctuation, to append a period to. */
function stripPeriodless(question: string): string {
  return question.trim().replace(/[?.!]+$/, '');
}

const subjectPlural = (subject: Subject): string => (subject === 'staff' ? 'staff members' : subject === 'industry' ? 'industries' : `${subject}s`);
const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const round = (value: number): number => Math.round(Math.max(0, Math.min(1, value)) * 100) / 100;

export type { EntityMatch };
