import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryConversationStore } from '../../src/nl/conversations.js';
import { buildVocabulary } from '../../src/nl/entities.js';
import { readFollowUp, type ConversationTurn } from '../../src/nl/follow-up.js';
import { understand } from '../../src/nl/grammar.js';
import type { QueryUnderstanding, WhyUnderstanding } from '../../src/nl/understanding.js';

/** Follow-ups on a hand-built vocabulary: what each fragment changes, and what it keeps. */
const vocabulary = buildVocabulary({
  clients: [
    { id: 'C1', name: 'Acme Motors Inc', industry: 'Manufacturing', status: 'active' },
    { id: 'C2', name: 'Bluebird Legal Group', industry: 'Legal', status: 'active' },
    { id: 'C3', name: 'Cedar Health', industry: 'Healthcare', status: 'active' },
  ],
  staff: ['Jordan Reyes'],
  products: [{ product: 'Zoom Pro', vendor: 'Zoom' }],
  industries: ['Healthcare', 'Legal', 'Manufacturing'],
});
const context = { vocabulary, asOf: '2025-06-30' };

function turnOf(question: string): ConversationTurn {
  const understanding = understand(question, context);
  assert.ok(understanding.kind === 'query' || understanding.kind === 'why', question);
  return { understanding, asOf: context.asOf, leadingClient: { kind: 'client', value: 'C2', name: 'Bluebird Legal Group' } };
}

function followUp(previous: string, question: string) {
  return readFollowUp(question, understand(question, context), turnOf(previous), context);
}

describe('follow-ups', () => {
  test('"and last year?" changes the period only', () => {
    const { understanding, refinement } = followUp('top 5 clients by margin this year', 'and last year?');
    const q = understanding as QueryUnderstanding;
    assert.deepEqual([q.plan.filters?.from, q.plan.filters?.to, q.plan.limit, q.measure], ['2024-01-01', '2024-12-31', 5, 'gross_margin_pct']);
    assert.deepEqual(refinement?.changed, ['the period to last year (2024)']);
    assert.ok(refinement?.kept.includes('gross margin %'));
  });

  test('"only healthcare" adds the industry; "top 10 instead" keeps the order, "bottom 3" reverses it', () => {
    const only = followUp('revenue by client in 2024', 'only healthcare').understanding as QueryUnderstanding;
    assert.deepEqual(only.plan.filters?.industries, ['Healthcare']);
    const ten = followUp('worst 5 clients by margin in 2024', 'top 10 instead').understanding as QueryUnderstanding;
    assert.deepEqual([ten.plan.limit, ten.plan.sort?.[0]?.direction], [10, 'asc']);
    const bottom = followUp('top 5 clients by revenue in 2024', 'bottom 3').understanding as QueryUnderstanding;
    assert.deepEqual([bottom.plan.limit, bottom.plan.sort?.[0]?.direction], [3, 'asc']);
  });

  test('"what about hours?" changes the measure and its sort; a total becomes a ranking with "top 3"', () => {
    const hours = followUp('revenue for Acme Motors in Q1 2025', 'what about hours?').understanding as QueryUnderstanding;
    assert.deepEqual([hours.plan.measures, hours.plan.filters?.clients], [['hours'], ['C1']]);
    const top = followUp('revenue in 2024', 'top 3 instead').understanding as QueryUnderstanding;
    assert.deepEqual([top.plan.groupBy, top.plan.limit, top.shape], [['client'], 3, 'ranking']);
  });

  test('"why?" explains the one client asked about, else the first row; a why follows up with another client', () => {
    const one = followUp('margin for Cedar Health in 2024', 'why?').understanding as WhyUnderstanding;
    assert.deepEqual([one.kind, one.client.value, one.period?.label], ['why', 'C3', '2024']);
    const first = followUp('worst 3 clients by margin in 2024', 'why?').understanding as WhyUnderstanding;
    assert.equal(first.client.value, 'C2');
    const other = followUp("why is acme's margin low in 2024?", 'and Cedar Health?').understanding as WhyUnderstanding;
    assert.deepEqual([other.kind, other.client.value, other.period?.label], ['why', 'C3', '2024']);
  });

  test('a whole question is a new question; a refused one stays refused', () => {
    assert.equal(followUp('revenue in 2024', 'hours for Jordan Reyes in Q1 2025').refinement, null);
    assert.equal(followUp('revenue in 2024', 'and <script>alert(1)</script>').understanding.kind, 'refused');
  });
});

describe('conversations in memory', () => {
  test('per user, ended after the time to live, bounded', async () => {
    let now = 0;
    const store = new MemoryConversationStore(1000, 2, () => now);
    const turn = turnOf('revenue in 2024');
    const id = await store.save(null, 'ann', turn);
    assert.ok(await store.get(id, 'ann'));
    assert.equal(await store.get(id, 'bob'), null);
    now = 999;
    assert.ok(await store.get(id, 'ann'));
    await store.save(id, 'ann', turn);
    now = 1998;
    assert.ok(await store.get(id, 'ann'), 'a follow-up extends the conversation');
    now = 2000;
    assert.equal(await store.get(id, 'ann'), null);
    const [a, b, c] = [await store.save(null, 'ann', turn), await store.save(null, 'ann', turn), await store.save(null, 'ann', turn)];
    assert.deepEqual([await store.get(a, 'ann'), Boolean(await store.get(b, 'ann')), Boolean(await store.get(c, 'ann'))], [null, true, true]);
  });
});
