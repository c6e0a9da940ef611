import { consume, numberOf } from './tokenize.js';

/**
 * Numbers that shape an answer rather than name a period: thresholds ("margin below 20%",
 * "more than 100 hours", "revenue above $40k", "lost money") and how many rows ("top 5",
 * "which 3 clients").
 */

export type ThresholdOp = '<' | '<=' | '>' | '>=';

export interface ThresholdReading {
  op: ThresholdOp;
  value: number;
  /** What the number was written with: tells the measure when the question names none. */
  unit: 'percent' | 'hours' | 'money' | 'seats' | 'none';
  /** Where it was in the text (to pair it with the nearest measure). */
  index: number;
  /** "lost money": gross profit below 0, whatever measure the question names. */
  fixedMeasure?: 'gross_profit';
}

const below = '(?:below|under|less than|lower than|fewer than|beneath|smaller than|at most|no more than|not more than|max(?:imum)?(?: of)?|south of|<=|<|=<)';
const above =
  '(?:above|over|more than|greater than|higher than|exceeding|exceeds|in excess of|at least|no less than|not less than|min(?:imum)?(?: of)?|north of|bigger than|>=|>|=>|upwards of)';
const NUMBER = '(-?\\$?\\s?-?\\d+(?:\\.\\d+)?)\\s?(k|m|mm|%|percent|pct|hours?|hrs?|h|seats?|dollars|usd|\\$)?';

const thresholdPattern = new RegExp(`(?<=\\s)(${below}|${above})\\s?(?:a |an )?(?:(?:margin|rate|utili[sz]ation|util|revenue|of)\\s)?${NUMBER}(?=\\s)`, 'g');
const lossPattern =
  /(?<=\s)(?:(?:lost|losing|lose|loses|bleeding|bleed) (?:money|\$+|cash)|lost us money|unprofitable|not profitable|in the red|loss[- ]making|made a loss|at a loss|money[- ]losing|underwater|negative (?:gross )?(?:margin|profit|gp|gm)s?)(?=\s)/g;

export function readThresholds(text: string): { text: string; thresholds: ThresholdReading[] } {
  let rest = text;
  const thresholds: ThresholdReading[] = [];
  for (const match of text.matchAll(lossPattern)) {
    thresholds.push({ op: '<', value: 0, unit: 'money', index: match.index, fixedMeasure: 'gross_profit' });
    rest = consume(rest, match.index, match.index + match[0].length);
  }
  for (const match of rest.matchAll(thresholdPattern)) {
    const isBelow = new RegExp(`^${below}$`).test(match[1]!);
    const inclusive = /least|no less|not less|most|no more|not more|max|min|<=|>=|=<|=>/.test(match[1]!);
    const op: ThresholdOp = isBelow ? (inclusive ? '<=' : '<') : inclusive ? '>=' : '>';
    const raw = match[2]!.replace(/[$\s]/g, '');
    const suffix = match[3] ?? '';
    let value = Number(raw);
    if (suffix === 'k') value *= 1000;
    if (suffix === 'm' || suffix === 'mm') value *= 1_000_000;
    const unit: ThresholdReading['unit'] = /^(%|percent|pct)$/.test(suffix)
      ? 'percent'
      : /^(hours?|hrs?|h)$/.test(suffix)
        ? 'hours'
        : /^seats?$/.test(suffix)
          ? 'seats'
          : match[2]!.includes('$') || /^(k|m|mm|dollars|usd|\$)$/.test(suffix)
            ? 'money'
            : 'none';
    thresholds.push({ op, value, unit, index: match.index });
    rest = consume(rest, match.index, match.index + match[0].length);
  }
  return { text: rest, thresholds };
}

const COUNT = '(\\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|a dozen|dozen)';
const rowNouns =
  '(?:clients?|customers?|accounts?|staff|staff members?|techs?|technicians?|engineers?|employees?|people|industries|industry|sectors?|verticals?|vendors?|products?|@e_[a-z]+)';

const limitPatterns = [
  new RegExp(`(?<=\\s)(?:top|bottom|best|worst|highest|lowest|largest|biggest|smallest|first|leading|most|least)\\s${COUNT}(?=\\s)`),
  new RegExp(`(?<=\\s)(?:which|what|the|show|list|give me|name)\\s${COUNT}\\s(?=${rowNouns})`),
  new RegExp(`(?<=\\s)${COUNT}\\s(?=(?:${rowNouns})\\s(?:with|by|that|who|had|have|has|having|ranked|sorted|where|for|in|on))`),
];

/** "top 5" → 5; blanks it out. */
export function readLimit(text: string): { text: string; limit: number | null } {
  for (const pattern of limitPatterns) {
    const match = pattern.exec(text);
    if (!match) continue;
    const word = match[1]!;
    const limit = numberOf(word);
    if (limit === null || limit < 1) continue;
    // Keep the direction word ("top", "lowest"): only the number goes.
    const at = match.index + match[0].lastIndexOf(word);
    return { text: consume(text, at, at + word.length), limit };
  }
  return { text, limit: null };
}
