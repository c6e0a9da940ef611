import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { flushQueuedAudit } from '../../src/governance/audit-log.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { flushSecurityEvents } from '../../src/governance/security-events.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { engines } from '../support/test-database.js';
import { errorOf, startApiTest, type ApiTest } from './api-test-app.js';

/**
 * POST /api/v1/ask and /ask/batch over the edge-case MSP (Acme C1 Retail, Beta C2 Legal,
 * Cobalt C3 Healthcare, Delta C4 Legal; Q1 2025 revenue: Acme 1800, Beta 300, Delta 400).
 * Sam (analyst) may see Acme and Cobalt only.
 */
const { policy } = loadPolicy(null);

interface Answer {
  status: string;
  question: string;
  plan: { limit?: number; filters: Record<string, unknown> } | null;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  confidence: number | null;
  explanation: string;
  cached: boolean;
  suggestions: string[];
  chart: unknown;
  review: { status: string; reasons: string[]; resultId?: string; reviewedBy?: string | null } | null;
  conversationId: string | null;
}

for (const engine of engines) {
  describe(`POST /api/v1/ask on ${engine}`, () => {
    let api: ApiTest;
    let sam: { authorization: string };
    let vic: { authorization: string };
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      await importEdgeCaseMsp(api.t);
      const db = api.t.database.kysely;
      await createUser(db, policy, { username: 'sam', role: 'analyst', password: 'long enough password 1', createdBy: 'test' });
      await createUser(db, policy, { username: 'vic', role: 'viewer', password: 'long enough password 2', createdBy: 'test' });
      sam = { authorization: `Bearer ${(await createApiToken(db, policy, await requireUser(db, 'sam'), { name: 't', actor: 'test' })).token}` };
      vic = { authorization: `Bearer ${(await createApiToken(db, policy, await requireUser(db, 'vic'), { name: 't', actor: 'test' })).token}` };
      assert.equal((await api.app.inject({ method: 'PATCH', url: '/api/v1/users/sam', payload: { clientScope: ['C1', 'C3'] } })).statusCode, 200);
    });
    after(async () => {
      await api.close();
    });

    const ask = async (question: string, extra: Record<string, unknown> = {}, headers?: { authorization: string }): Promise<Answer> => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/ask',
        payload: { question, asOf: '2025-03-31', ...extra },
        ...(headers ? { headers } : {}),
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as Answer;
    };
    const cacheCounter = async (name: 'hits' | 'misses'): Promise<number> => {
      const text = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(new RegExp(`^moatmetrics_nl_cache_${name}_total (\\d+)$`, 'm').exec(text)?.[1]);
    };

    test('an answer: table, plan, confidence, review and a conversation id; a viewer may ask, the question is audited', async () => {
      const answer = await ask('top 2 clients by rev in q1 2025', {}, vic);
      assert.equal(answer.status, 'answered');
      assert.deepEqual(answer.rows, [
        ['Acme', 1800],
        ['Delta', 400],
      ]);
      assert.equal(answer.plan?.limit, 2);
      assert.deepEqual(answer.review, { status: 'auto_approved', reasons: [] });
      assert.match(answer.conversationId ?? '', /^[A-Za-z0-9_-]{22}$/);
      await flushQueuedAudit(api.t.database.kysely);
      const audited = await api.t.database.kysely
        .selectFrom('audit_events')
        .select(['actor', 'target', 'details_json'])
        .where('action', '=', 'nl.ask')
        .where('actor', '=', 'vic')
        .execute();
      assert.equal(audited.length, 1);
      assert.equal((JSON.parse(audited[0]!.details_json) as { question: string }).question, 'top 2 clients by rev in q1 2025');
      const anonymous = await api.app.inject({ method: 'POST', url: '/api/v1/ask', headers: { 'x-test-anonymous': '1' }, payload: { question: 'revenue' } });
      assert.equal(errorOf(anonymous).code, 'MM_AUTH_REQUIRED');
    });

    test('a scoped user: their clients only, and another client reads exactly like a name nobody has', async () => {
      const total = await ask('total revenue in q1 2025', {}, sam);
      assert.deepEqual(total.rows, [[1800]], 'Acme 1800 + Cobalt 0, not the portfolio 2500');
      const ranking = await ask('revenue by client q1 2025', {}, sam);
      assert.deepEqual(ranking.rows.map((r) => r[0]).sort(), ['Acme', 'Cobalt']);
      const outside = await ask('hours for Delta in q1 2025', {}, sam);
      const unknown = await ask('hours for Zorro in q1 2025', {}, sam);
      assert.equal(outside.status, 'clarify');
      const blank = (a: Answer, name: string) =>
        JSON.stringify({
          ...a,
          question: '',
          explanation: a.explanation.replaceAll(name, 'X'),
          suggestions: a.suggestions.map((s) => s.replaceAll(name, 'X')),
        });
      assert.equal(blank(outside, 'Delta'), blank(unknown, 'Zorro'));
      // The admin sees Delta; and a typo of an outside client suggests none of the outsiders.
      assert.equal((await ask('hours for Delta in q1 2025')).status, 'answered');
      const typo = await ask('revenue for Betaa in q1 2025', {}, sam);
      assert.doesNotMatch(JSON.stringify(typo), /Beta\b|Delta/);
      // A cached answer of the admin's is never served to the scoped user (the scope is in the key).
      assert.deepEqual((await ask('revenue by industry q1 2025')).rows.map((r) => r[0]).sort(), ['Legal', 'Retail']);
      const industries = await ask('revenue by industry q1 2025', {}, sam);
      assert.equal(industries.cached, false);
      assert.deepEqual(industries.rows, [['Retail', 1800]], 'Cobalt (Healthcare) has no revenue; Legal is not theirs');
    });

    test('a refused question is recorded as a security event and audited as denied', async () => {
      const refused = await ask("revenue'; DROP TABLE invoices; --", {}, sam);
      assert.equal(refused.status, 'refused');
      assert.equal(refused.conversationId, null);
      await flushSecurityEvents(api.t.database.kysely);
      await flushQueuedAudit(api.t.database.kysely);
      const events = await api.t.database.kysely
        .selectFrom('security_events')
        .select(['kind', 'actor', 'route', 'detail'])
        .where('actor', '=', 'sam')
        .execute();
      assert.deepEqual(
        events.map((e) => [e.kind, e.route]),
        [['suspicious_input', 'POST /api/v1/ask']],
      );
      assert.doesNotMatch(events[0]!.detail ?? '', /DROP/);
      const denied = await api.t.database.kysely
        .selectFrom('audit_events')
        .select('outcome')
        .where('action', '=', 'nl.ask')
        .where('actor', '=', 'sam')
        .where('target', '=', 'refused')
        .execute();
      assert.deepEqual(
        denied.map((d) => d.outcome),
        ['denied'],
      );
    });

    test('semantic cache: two phrasings share an entry, top 5 and top 10 do not, an import invalidates; counted on /metrics', async () => {
      const [hits, misses] = [await cacheCounter('hits'), await cacheCounter('misses')];
      const first = await ask('gross margin by client for Q1 2025');
      const second = await ask('GM% per customer, 2025-01-01 to 2025-03-31');
      assert.deepEqual([first.cached, second.cached], [false, true]);
      assert.deepEqual(second.rows, first.rows);
      assert.notEqual(second.explanation.length, 0);
      const top5 = await ask('top 5 clients by margin q1 2025');
      const top10 = await ask('top 10 clients by margin q1 2025');
      assert.deepEqual([top5.cached, top10.cached], [false, false]);
      assert.deepEqual([await cacheCounter('hits'), await cacheCounter('misses')], [hits + 1, misses + 3]);
      // A new import makes a new dataset version: the same question is computed again, on the new data.
      const upload = await api.app.inject({
        method: 'POST',
        url: '/api/v1/imports/invoices?mode=strict',
        headers: { 'content-type': 'text/csv' },
        payload: 'invoice_id,client_id,invoice_date,total_amount,status\nI9,C3,2025-02-02,1000.00,paid\n',
      });
      assert.equal(upload.statusCode, 201, upload.body);
      const after = await ask('gross margin by client for Q1 2025');
      assert.equal(after.cached, false);
      assert.ok(
        after.rows.some((r) => r[0] === 'Cobalt' && r[1] !== null),
        'Cobalt now has revenue',
      );
      // And a rollback is a new version too.
      const version = (await api.app.inject({ method: 'GET', url: '/api/v1/versions' })).json() as { versions: Array<{ number: number }> };
      const latest = Math.max(...version.versions.map((v) => v.number));
      assert.equal((await api.app.inject({ method: 'POST', url: `/api/v1/versions/${latest - 1}/rollback` })).statusCode, 200);
      const rolledBack = await ask('gross margin by client for Q1 2025');
      assert.equal(rolledBack.cached, false);
      assert.deepEqual(rolledBack.rows, first.rows);
    });

    test('follow-ups keep the previous question and change what the fragment names; only for the user who started it', async () => {
      const start = await ask('top 2 clients by revenue q1 2025');
      const id = start.conversationId!;
      const february = await ask('and in February 2025?', { conversationId: id });
      assert.deepEqual(february.rows, [
        ['Acme', 1000],
        ['Delta', 400],
      ]);
      assert.match(february.explanation, /^Follow-up: changed the period to February 2025; kept .*revenue/);
      assert.equal(february.conversationId, id);
      const three = await ask('top 3 instead', { conversationId: id });
      assert.equal(three.plan?.limit, 3);
      assert.match(three.explanation, /changed the number of rows to 3; kept the period February 2025/);
      const legal = await ask('only legal', { conversationId: id });
      assert.deepEqual(legal.rows, [
        ['Delta', 400],
        ['Beta', 0],
      ]);
      const why = await ask('why?', { conversationId: id });
      assert.equal(why.status, 'answered');
      assert.deepEqual(why.columns, ['item', 'Delta', 'median client']);
      assert.match(why.explanation, /^Follow-up: .*kept the client Delta/);
      const stranger = await api.app.inject({ method: 'POST', url: '/api/v1/ask', headers: vic, payload: { question: 'and last year?', conversationId: id } });
      assert.equal(errorOf(stranger).code, 'MM_CONVERSATION_NOT_FOUND');
      const made_up = await api.app.inject({
        method: 'POST',
        url: '/api/v1/ask',
        payload: { question: 'and last year?', conversationId: '../../../etc/passwd' },
      });
      assert.equal(errorOf(made_up).code, 'MM_VALIDATION');
    });

    test('low confidence routes to the review queue: stored once per question and data, listed with its question, plan and table, decided there', async () => {
      // One overdue invoice is all of Beta's Q1 revenue: the data confidence is low.
      const answer = await ask('revenue for Beta q1 2025');
      assert.equal(answer.status, 'answered');
      assert.ok(answer.confidence! < policy.review.review_below, String(answer.confidence));
      assert.equal(answer.review?.status, 'pending_review');
      assert.match(answer.review?.reasons[0] ?? '', /^confidence 0\.\d\d below 0\.7$/);
      const resultId = answer.review?.resultId;
      assert.ok(resultId, 'the answer carries the id of its result in the review queue');
      assert.match(answer.explanation, new RegExp(`Pending review \\(result ${resultId}\\): confidence .* in the review queue\\.$`));
      assert.equal((await ask('how are we doing?')).review, null, 'nothing answered, nothing to review');

      // The reviewer sees it in the queue with the question, the plan and the table.
      const queue = (await api.app.inject({ method: 'GET', url: '/api/v1/reviews?kind=answer' })).json() as {
        results: Array<{ id: string; kind: string; clientId: string | null; subjectLabel: string; reviewStatus: string; answer?: Record<string, unknown> }>;
        total: number;
      };
      const item = queue.results.find((r) => r.id === resultId);
      assert.deepEqual(
        [item!.id, item!.kind, item!.clientId, item!.subjectLabel, item!.reviewStatus],
        [resultId, 'answer', 'C2', 'revenue for Beta q1 2025', 'pending_review'],
      );
      assert.deepEqual(item!.answer?.rows, answer.rows);
      assert.deepEqual(item!.answer?.plan, answer.plan);
      assert.equal(item!.answer?.question, 'revenue for Beta q1 2025');

      // Asked again, in the same words or others that make the same plan: the same item, no second one.
      const again = await ask('revenue for Beta q1 2025');
      const rephrased = await ask('Beta revenue Q1 2025');
      assert.deepEqual([again.review?.resultId, rephrased.review?.resultId], [resultId, resultId]);
      assert.equal(((await api.app.inject({ method: 'GET', url: '/api/v1/reviews?kind=answer' })).json() as { total: number }).total, queue.total);

      // Four-eyes: the asker started its run; another reviewer decides, and the answer then says so.
      const own = await api.app.inject({ method: 'POST', url: `/api/v1/reviews/${resultId}/approve`, payload: { comment: 'checked the invoice' } });
      assert.equal(errorOf(own).code, 'MM_FOUR_EYES');
      const db = api.t.database.kysely;
      await createUser(db, policy, { username: 'rita', role: 'reviewer', password: 'long enough password 3', createdBy: 'test' });
      const rita = { authorization: `Bearer ${(await createApiToken(db, policy, await requireUser(db, 'rita'), { name: 't', actor: 'test' })).token}` };
      const approved = await api.app.inject({
        method: 'POST',
        url: `/api/v1/reviews/${resultId}/approve`,
        headers: rita,
        payload: { comment: 'the overdue invoice is real' },
      });
      assert.equal(approved.statusCode, 200, approved.body);
      const after = await ask('revenue for Beta q1 2025');
      assert.deepEqual([after.review?.status, after.review?.resultId, after.review?.reviewedBy], ['approved', resultId, 'rita']);
      assert.match(after.explanation, /Reviewed \(result .*\): approved by rita\.$/);
      await flushQueuedAudit(db);
      const queued = await db
        .selectFrom('audit_events')
        .select(['actor', 'target'])
        .where('action', '=', 'nl.review_queued')
        .where('target', '=', resultId)
        .execute();
      assert.deepEqual(queued, [{ actor: 'test-admin', target: resultId }], 'queued once, audited with the stored answer');
    });

    test('batch: answers in order, identical plans computed once, plans on the same sums in one pass, each question audited, at most 50', async () => {
      const questions = [
        'rev by client q1 2025',
        'revenue per customer in Q1 2025',
        'top 5 clients by revenue q1 2025',
        'top 10 clients by revenue q1 2025',
        'clients with revenue over $500 in q1 2025',
        'hours by client q1 2025',
        '<script>alert(1)</script>',
        'hours for Delta q1 2025',
      ];
      const response = await api.app.inject({ method: 'POST', url: '/api/v1/ask/batch', headers: sam, payload: { questions, asOf: '2025-03-31' } });
      assert.equal(response.statusCode, 200, response.body);
      const { answers, evaluation } = response.json() as { answers: Answer[]; evaluation: Record<string, number> };
      assert.deepEqual(
        answers.map((a) => a.question),
        questions,
      );
      assert.deepEqual(
        answers.map((a) => [a.status, a.cached]),
        [
          ['answered', false],
          ['answered', true],
          ['answered', false],
          ['answered', false],
          ['answered', false],
          ['answered', false],
          ['refused', false],
          ['clarify', false],
        ],
      );
      assert.deepEqual(answers[0]!.rows.map((r) => r[0]).sort(), ['Acme', 'Cobalt'], 'the scope applies in a batch too');
      assert.deepEqual(answers[4]!.rows, [['Acme', 1800]]);
      // Revenue by client (4 plans) is one pass over invoices; hours by client one over time logs.
      assert.deepEqual(evaluation, { questions: 8, plans: 5, computed: 5, sourcePasses: 2, fromCache: 1 });
      await flushQueuedAudit(api.t.database.kysely);
      const audited = await api.t.database.kysely
        .selectFrom('audit_events')
        .select('details_json')
        .where('action', '=', 'nl.ask')
        .where('actor', '=', 'sam')
        .execute();
      assert.equal(audited.filter((a) => (JSON.parse(a.details_json) as { batch?: unknown }).batch !== undefined).length, 8);
      const tooMany = await api.app.inject({ method: 'POST', url: '/api/v1/ask/batch', payload: { questions: Array.from({ length: 51 }, () => 'revenue') } });
      assert.equal(errorOf(tooMany).code, 'MM_VALIDATION');
    });
  });
}
