import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import type { AnalysisDocument } from '../../src/analytics/run-analysis.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadPolicy } from '../../src/governance/policy.js';
import { openDatabase } from '../../src/metrics/rollups/open-database.js';
import { edgeCaseMsp } from '../support/edge-case-msp.js';
import { assertOneLineError, assertSucceeded, removeScratchDirs, runCli, scratchDir, writeScratchFile } from './cli-harness.js';

interface AuditEvents {
  events: Array<{ actor: string; action: string; target: string | null; outcome: string; details: Record<string, unknown> }>;
}

describe('moatmetrics review', () => {
  let dataDir: string;
  let bossToken: string;
  /** Beta's profitability result, pending review, from the run the admin `boss` started over HTTP. */
  let betaId: string;
  const password = (name: string) => `correct-horse-battery-${name.length * 7}-${name.charCodeAt(0)}`;
  const addUser = async (name: string, role: string) =>
    assertSucceeded(await runCli(['user', 'add', name, '--role', role, '--password-stdin'], { dataDir, stdin: password(name) }));

  before(async () => {
    dataDir = scratchDir();
    for (const [dataset, content] of Object.entries(edgeCaseMsp)) {
      assertSucceeded(await runCli(['import', dataset, writeScratchFile(dataDir, `${dataset}.csv`, content)], { dataDir }));
    }
    await addUser('boss', 'admin');
    await addUser('rita', 'reviewer');
    await addUser('vic', 'viewer');
    const created = await runCli(['token', 'create', '--user', 'boss', '--name', 'scripts'], { dataDir });
    assertSucceeded(created);
    bossToken = /^(mmt_\S+)$/m.exec(created.stdout)![1]!;

    // The admin runs the analysis over HTTP, with their token, on the same data directory.
    const { config } = loadConfig({ env: {}, cwd: dataDir, overrides: { data_dir: dataDir } });
    const database = await openDatabase(config);
    const app = await buildApp({ config, database, policy: loadPolicy(null).policy });
    try {
      const run = await app.inject({
        method: 'POST',
        url: '/api/v1/analytics/runs',
        headers: { authorization: `Bearer ${bossToken}` },
        payload: { from: '2025-01-01', to: '2025-03-31' },
      });
      assert.equal(run.statusCode, 201, run.body);
      const beta = (run.json() as AnalysisDocument).clients.find((c) => c.clientName === 'Beta')!;
      assert.equal(beta.review.status, 'pending_review');
      betaId = beta.review.resultId;
    } finally {
      await app.close();
      await database.close();
    }
  });
  after(() => removeScratchDirs());

  test('list shows the pending queue with each value as a percentage to two decimals; --json names the currency', async () => {
    const table = await runCli(['review', 'list', '--kind', 'profitability'], { dataDir });
    assertSucceeded(table);
    assert.match(table.stdout, /^\S+\s+profitability\s+Beta\s+-65\.00 %\s+0\.00\s+negative margin \(-65\.00 %\)/m);
    const json = JSON.parse((await runCli(['review', 'list', '--json'], { dataDir })).stdout) as {
      currency: string;
      results: Array<{ id: string; value: number | null }>;
    };
    assert.equal(json.currency, 'USD');
    assert.ok(json.results.some((r) => r.id === betaId));
    assert.ok(json.results.every((r) => r.value === null || Math.round(r.value * 100) / 100 === r.value));
  });

  test('without credentials a decision is refused with a clear error; the operating-system user no longer decides', async () => {
    assertOneLineError(
      await runCli(['review', 'approve', betaId, '--comment', 'fine by me'], { dataDir }),
      /^error: this acts as a named MoatMetrics user: give --user NAME --password-stdin \(the password on standard input\), --token-stdin \(an API token on standard input\) or set MOATMETRICS_TOKEN to an API token$/,
    );
    const usage = await runCli(['review', 'approve', betaId, '--comment', 'fine by me', '--user', 'rita'], { dataDir });
    // A usage error (exit 1 or 2, whichever the CLI gives usage errors).
    assertOneLineError(usage, /^error: --user rita needs --password-stdin \(the password on standard input\), or use --token-stdin$/, usage.code === 2 ? 2 : 1);
    assertOneLineError(
      await runCli(['review', 'approve', betaId, '--comment', 'fine by me', '--token-stdin'], { dataDir, stdin: 'mmt_000000000000_nonsense' }),
      /^error: the API token is not valid: unknown, expired or revoked$/,
    );
    assertOneLineError(
      await runCli(['review', 'approve', betaId, '--comment', 'fine by me', '--user', 'rita', '--password-stdin'], { dataDir, stdin: 'wrong password' }),
      /^error: user name or password is wrong$/,
    );
  });

  test('the admin who ran the analysis over HTTP cannot approve its result from the CLI (token on stdin or in MOATMETRICS_TOKEN): four-eyes', async () => {
    const fourEyes = /^error: four-eyes rule: boss started the analysis run that produced this result; another reviewer must decide it$/;
    assertOneLineError(await runCli(['review', 'approve', betaId, '--comment', 'fine by me', '--token-stdin'], { dataDir, stdin: `${bossToken}\n` }), fourEyes);
    assertOneLineError(await runCli(['review', 'approve', betaId, '--comment', 'fine by me'], { dataDir, env: { MOATMETRICS_TOKEN: bossToken } }), fourEyes);
    assertOneLineError(
      await runCli(['review', 'approve', betaId, '--comment', 'fine by me', '--user', 'boss', '--password-stdin'], { dataDir, stdin: password('boss') }),
      fourEyes,
    );
  });

  test('a role without results:review is refused', async () => {
    assertOneLineError(
      await runCli(['review', 'approve', betaId, '--comment', 'fine by me', '--user', 'vic', '--password-stdin'], { dataDir, stdin: password('vic') }),
      /^error: role 'viewer' of 'vic' does not have the permission 'results:review' this needs$/,
    );
  });

  test('a different reviewer approves with a comment; the decision and its audit event name her', async () => {
    const approved = await runCli(['review', 'approve', betaId, '--comment', 'onboarding project, expected', '--user', 'rita', '--password-stdin'], {
      dataDir,
      stdin: password('rita'),
    });
    assertSucceeded(approved);
    assert.match(approved.stdout, /^Beta \(profitability\): approved by rita — onboarding project, expected$/m);
    const listed = JSON.parse((await runCli(['review', 'list', '--status', 'approved', '--json'], { dataDir })).stdout) as {
      results: Array<{ id: string; reviewedBy: string; reviewComment: string }>;
    };
    assert.deepEqual(
      listed.results.map((r) => [r.id, r.reviewedBy, r.reviewComment]),
      [[betaId, 'rita', 'onboarding project, expected']],
    );
    const audit = JSON.parse((await runCli(['audit', 'list', '--action', 'review.', '--json'], { dataDir })).stdout) as AuditEvents;
    assert.deepEqual(
      audit.events.map((e) => [e.actor, e.action, e.target, e.outcome]),
      [['rita', 'review.approve', betaId, 'success']],
    );
    const logins = JSON.parse((await runCli(['audit', 'list', '--action', 'auth.login', '--actor', 'rita', '--json'], { dataDir })).stdout) as AuditEvents;
    assert.deepEqual(
      logins.events.map((e) => [e.outcome, e.details.from]),
      [
        ['failure', 'cli'],
        ['success', 'cli'],
      ],
    );
    assertOneLineError(
      await runCli(['review', 'reject', betaId, '--comment', 'again'], { dataDir, env: { MOATMETRICS_TOKEN: bossToken } }),
      /^error: result \S+ \(Beta\) is approved by rita; only pending or noted results can be decided$/,
    );
  });
  test('a low-confidence answer from `ask` waits in the queue with its question, plan and table; rejected there, asking again says so', async () => {
    const question = 'revenue for Beta q1 2025';
    const asked = await runCli(['ask', '--json', '--as-of', '2025-03-31', question], { dataDir });
    assertSucceeded(asked);
    const answer = JSON.parse(asked.stdout) as { rows: unknown[][]; review: { status: string; resultId?: string } };
    assert.equal(answer.review.status, 'pending_review');
    const id = answer.review.resultId!;
    const listed = await runCli(['review', 'list', '--kind', 'answer'], { dataDir });
    assertSucceeded(listed);
    assert.match(listed.stdout, new RegExp(`${id} +answer +"${question}" +300 `));
    assert.match(listed.stdout, new RegExp(`${id}: "${question}" \\(as of 2025-03-31\\)\\n  plan: \\{"measures":\\["revenue"\\]`));
    process.stderr.write(listed.stdout);
    assert.match(listed.stdout, /^ {2}revenue\n {3,}300$/m, 'the table itself');
    const rejected = await runCli(['review', 'reject', id, '--comment', 'Beta paid late, not less', '--user', 'rita', '--password-stdin'], {
      dataDir,
      stdin: password('rita'),
    });
    assertSucceeded(rejected);
    const again = JSON.parse((await runCli(['ask', '--json', '--as-of', '2025-03-31', question], { dataDir })).stdout) as typeof answer & {
      explanation: string;
    };
    assert.deepEqual([again.review.status, again.review.resultId], ['rejected', id]);
    assert.match(again.explanation, /rejected by rita; do not rely on this answer\.$/);
    const pending = JSON.parse((await runCli(['review', 'list', '--kind', 'answer', '--json'], { dataDir })).stdout) as { total: number };
    assert.equal(pending.total, 0, 'nothing pending: asked twice, queued once, decided');
  });
});
