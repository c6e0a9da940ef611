import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken } from '../../src/auth/api-tokens.js';
import { createUser, requireUser } from '../../src/auth/users.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { importFile } from '../../src/ingest/import-file.js';
import { importEdgeCaseMsp } from '../support/edge-case-msp.js';
import { engines } from '../support/test-database.js';
import { errorOf, startApiTest, type ApiTest } from './api-test-app.js';

const { policy } = loadPolicy(null);
interface Result {
  id: string;
  kind: string;
  subjectLabel: string;
  reviewStatus: string;
  reviewedBy: string | null;
  reviewComment: string | null;
}

for (const engine of engines) {
  describe(`review workflow over HTTP on ${engine}`, () => {
    let api: ApiTest;
    const bearer: Record<string, { authorization: string }> = {};
    let beta: Result;
    before(async () => {
      api = await startApiTest(engine);
      await api.app.ready();
      await importEdgeCaseMsp(api.t);
      const db = api.t.database.kysely;
      for (const [username, role] of [
        ['ana', 'analyst'],
        ['rita', 'reviewer'],
        ['ivan', 'admin'],
        ['vera', 'viewer'],
      ] as const) {
        await createUser(db, policy, { username, role, password: 'long enough password 1', createdBy: 'test' });
        bearer[username] = {
          authorization: `Bearer ${(await createApiToken(db, policy, await requireUser(db, username), { name: 't', actor: 'test' })).token}`,
        };
      }
      // ivan imported data the next run uses; ana starts the run.
      const extra = await importFile(api.t.database, api.t.config, {
        dataset: 'invoices',
        file: api.t.file('extra.csv', 'invoice_id,client_id,invoice_date,total_amount,status\nI9,C4,2025-02-02,50.00,paid\n'),
        actor: 'ivan',
      });
      assert.equal(extra.status, 'succeeded');
      const run = await api.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/runs',
        headers: bearer.ana,
        payload: { from: '2025-01-01', to: '2025-03-31' },
      });
      assert.equal(run.statusCode, 201, run.body);
    });
    after(async () => {
      await api.close();
    });

    test('the queue lists pending results for reviewers only', async () => {
      const queue = await api.app.inject({ method: 'GET', url: '/api/v1/reviews?kind=profitability', headers: bearer.rita });
      assert.equal(queue.statusCode, 200, queue.body);
      const results = (queue.json() as { results: Result[] }).results;
      assert.ok(results.every((r) => r.reviewStatus === 'pending_review'));
      beta = results.find((r) => r.subjectLabel === 'Beta')!;
      assert.ok(beta, 'Beta (negative margin) waits for review');
      assert.equal(errorOf(await api.app.inject({ method: 'GET', url: '/api/v1/reviews', headers: bearer.vera })).code, 'MM_FORBIDDEN');
      assert.equal(errorOf(await api.app.inject({ method: 'GET', url: '/api/v1/reviews', headers: bearer.ana })).code, 'MM_FORBIDDEN');
    });

    test('four-eyes: whoever imported the data cannot decide its results', async () => {
      const refused = await api.app.inject({
        method: 'POST',
        url: `/api/v1/reviews/${beta.id}/approve`,
        headers: bearer.ivan,
        payload: { comment: 'looks fine to me' },
      });
      assert.equal(refused.statusCode, 403);
      assert.equal(errorOf(refused).code, 'MM_FOUR_EYES');
      assert.match(errorOf(refused).message, /computed from data ivan imported \(version 6 \(invoices\)\)/);
    });

    test('a reviewer approves with a comment; the decision is recorded, shown and audited; it cannot be decided twice', async () => {
      const noComment = await api.app.inject({ method: 'POST', url: `/api/v1/reviews/${beta.id}/approve`, headers: bearer.rita, payload: { comment: ' ' } });
      assert.equal(errorOf(noComment).code, 'MM_VALIDATION');
      const approved = await api.app.inject({
        method: 'POST',
        url: `/api/v1/reviews/${beta.id}/approve`,
        headers: bearer.rita,
        payload: { comment: 'Beta is a new client; the loss is the onboarding project.' },
      });
      assert.equal(approved.statusCode, 200, approved.body);
      const body = approved.json() as Result & { reviewedAt: string };
      assert.deepEqual(
        [body.reviewStatus, body.reviewedBy, body.reviewComment],
        ['approved', 'rita', 'Beta is a new client; the loss is the onboarding project.'],
      );
      assert.match(body.reviewedAt, /^\d{4}-\d{2}-\d{2}T/);

      const again = await api.app.inject({
        method: 'POST',
        url: `/api/v1/reviews/${beta.id}/reject`,
        headers: bearer.rita,
        payload: { comment: 'changed my mind' },
      });
      assert.equal(errorOf(again).code, 'MM_REVIEW_CONFLICT');
      const shown = (await api.app.inject({ method: 'GET', url: `/api/v1/results/${beta.id}`, headers: bearer.vera })).json() as Result;
      assert.equal(shown.reviewStatus, 'approved');
      const profitability = (
        await api.app.inject({ method: 'GET', url: '/api/v1/analytics/profitability?from=2025-01-01&to=2025-03-31', headers: bearer.vera })
      ).json() as { rows: Array<{ clientName: string; review: { status: string } | null }> };
      assert.equal(profitability.rows.find((r) => r.clientName === 'Beta')!.review!.status, 'approved');
      const audit = (await api.app.inject({ method: 'GET', url: '/api/v1/audit?action=review.approve' })).json() as {
        events: Array<{ actor: string; target: string; details: { comment: string; from: string; to: string } }>;
      };
      assert.deepEqual(
        audit.events.map((e) => [e.actor, e.target, e.details.from, e.details.to]),
        [['rita', beta.id, 'pending_review', 'approved']],
      );
      assert.equal(
        errorOf(await api.app.inject({ method: 'POST', url: '/api/v1/reviews/no-such-id/reject', headers: bearer.rita, payload: { comment: 'nope nope' } }))
          .code,
        'MM_NOT_FOUND',
      );
    });

    test('reject is recorded the same way and leaves the result out of the pending queue', async () => {
      const queue = (await api.app.inject({ method: 'GET', url: '/api/v1/reviews', headers: bearer.rita })).json() as { results: Result[]; total: number };
      const next = queue.results[0]!;
      const rejected = await api.app.inject({
        method: 'POST',
        url: `/api/v1/reviews/${next.id}/reject`,
        headers: bearer.rita,
        payload: { comment: 'seat counts are from last year' },
      });
      assert.equal((rejected.json() as Result).reviewStatus, 'rejected');
      const after = (await api.app.inject({ method: 'GET', url: '/api/v1/reviews', headers: bearer.rita })).json() as { total: number };
      assert.equal(after.total, queue.total - 1);
      const rejectedList = (await api.app.inject({ method: 'GET', url: '/api/v1/reviews?status=rejected', headers: bearer.rita })).json() as {
        results: Result[];
      };
      assert.deepEqual(
        rejectedList.results.map((r) => r.id),
        [next.id],
      );
    });
  });
}
