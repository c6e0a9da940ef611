import { questionWords } from './entities.js';

/**
 * A name the data does not have ("hours for Copperfield Dairy"): the words left over after
 * everything else was recognised, standing where a name stands — after "for", "on", "at",
 * "of"… or capitalised mid-sentence. Answering without it would answer another question,
 * so the caller asks back instead. Other leftover words ("did we bring in") are ignored.
 */

const filler = new Set(
  (
    'about across after again against ago along also am amount amounts an any anything approximately are around as ask asked at ' +
    'back based be because been before being below between big both bring brought bringing but buy bought ' +
    'calculate came can cash come comes current currently daily data did do does doing done dont down during ' +
    'e each earn earned either else end ending enough entire entry entries especially et etc even ever every everything exactly ' +
    'far few figure figures find first following for from full gave generate generated get gets getting give go going got ' +
    'had has have having he help her here high his how however i ie if in including instead into is it its just keep kind know ' +
    'last latest least let like likely list listed log logged logging logs look looking lot lots low made make making many may me ' +
    'might month months more most much must my need new next no not now number numbers of off on once only or order other our out ' +
    'outstanding over overall own part past per percent percentage period place please plus possible pretty pull put quick quickly ' +
    'rank ranked ranking rate rather really recent recently relative report right round same say see seem sort sorted show shown ' +
    'since so some someone something spend spent stand still such summary sum take taken takes than thanks that the their them then ' +
    'there these they thing things think this those though through time times to today together told too took total totals toward ' +
    'under until up upon us use used using value values very via view want was way we week weeks well were what whats when where ' +
    'whether which while who whole whos why will with within without work worked working would year years yet you your ' +
    'entries entry paid spend invoices invoice clients client customers customer seats seat licenses license licence licences ' +
    'ratio rates tell give break down split breakdown versus vs compare compared comparison highest lowest top bottom best worst ' +
    'much amount many dollars usd money cost costs across plus minus divided times average avg mean per ie eg i.e e.g ' +
    'assigned purchased bought use usage in-use active churned inactive status statuses members member team staff people ' +
    'technicians technician tech techs employees employee engineers engineer industry industries vendor vendors product products ' +
    'month monthly quarter quarterly year yearly annual annually week weekly day days first second half each every all ' +
    'them its it whose whom how hows much hours hrs hour billable nonbillable non'
  ).split(' '),
);

const namePrepositions = new Set(['for', 'on', 'at', 'of', 'about', 'with', 'to', 'from', 'by', 'did', 'does', 'is', 'was']);

/** The unknown name as the question wrote it, or null. `remaining` is normalised text with everything recognised blanked out. */
export function findUnknownName(question: string, remaining: string): string | null {
  const words = remaining.split(/\s+/).filter(Boolean);
  const known = (word: string): boolean =>
    word.startsWith('@') || questionWords.has(word) || filler.has(word) || !/^[a-z][a-z'-]*$/.test(word) || word.length < 3;
  for (let i = 0; i < words.length; i++) {
    if (known(words[i]!)) continue;
    let end = i;
    while (end + 1 < words.length && !known(words[end + 1]!)) end++;
    const run = words.slice(i, end + 1);
    const before = words[i - 1] === 'the' ? words[i - 2] : words[i - 1];
    const original = findInQuestion(question, run);
    const capitalised = original !== null && /^[A-Z]/.test(original) && question.trim().indexOf(original) > 0;
    if ((before !== undefined && namePrepositions.has(before)) || capitalised) return original ?? run.join(' ');
    i = end;
  }
  return null;
}

function findInQuestion(question: string, run: string[]): string | null {
  const pattern = new RegExp(`\\b${run.map((w) => w.replace(/[^a-z0-9]/g, '.?')).join('[\\s\\W]+')}\\b`, 'i');
  return pattern.exec(question)?.[0] ?? null;
}
