import type { Command } from 'commander';
import type { LicenseReconciliation, ReconciliationDifferenceKind } from '../../analytics/license-reconciliation.js';
import { MmError } from '../../errors.js';
import { displayFormat, type DisplayFormat } from '../../present/display-format.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { textTable } from '../text-table.js';

interface ReconcileOptions {
  client?: string[];
  industry?: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

const kindLabels: Record<ReconciliationDifferenceKind, string> = {
  unbilled: 'unbilled',
  over_billed: 'billed, not bought',
  unused: 'unused',
  over_assigned: 'assigned, not bought',
};

/** `moatmetrics licenses reconcile`: bought vs assigned vs billed, per client and product (docs/IMPORTING.md). */
export function registerLicensesCommand(program: Command): void {
  const licenses = program.command('licenses').description('License positions across vendor, tenant and billing files');
  licenses
    .command('reconcile')
    .description('Seats bought at the vendor vs assigned in the tenant vs billed to the client, with the monthly money of each difference')
    .option('--client <id or name>', 'only these clients (repeat or comma-separate)', collect)
    .option('--industry <name>', 'only clients in these industries (repeat or comma-separate)', collect)
    .option('--json', 'print the result as JSON (amounts to the cent)')
    .action(async (options: ReconcileOptions, command: Command) => {
      const { licenseReconciliation } = await import('../../analytics/license-reconciliation.js');
      const { resolveAnalysisFilters } = await import('../../analytics/analysis-filters.js');
      const { auditDataRead } = await import('../../governance/data-reads.js');
      await withContext(command.optsWithGlobals<GlobalOptions>(), async ({ config, database, actor }) => {
        const resolved = await resolveAnalysisFilters(database, { clients: options.client, industries: options.industry });
        if (!resolved.ok) {
          const flags = { clients: '--client', industries: '--industry' } as const;
          throw new MmError('MM_USAGE', resolved.problems.map((problem) => `${flags[problem.field]} '${problem.value}': ${problem.reason}`).join('; '));
        }
        const result = await licenseReconciliation(database, resolved.filters);
        auditDataRead(database.kysely, {
          actor,
          what: 'analytics.license_reconciliation',
          via: 'cli licenses reconcile',
          filters: { ...resolved.filters },
          datasetVersion: result.version,
        });
        if (options.json) process.stdout.write(`${JSON.stringify({ currency: config.display.currency, ...result }, null, 2)}\n`);
        else process.stdout.write(reconciliationText(result, displayFormat(config.display.currency)));
      });
    });
}

function reconciliationText(result: LicenseReconciliation, format: DisplayFormat): string {
  if (result.positions.length === 0) return `No differences: ${result.positionsCompared} license positions agree (version ${result.version}).\n`;
  const seats = (n: number | null): string => (n === null ? '—' : String(n));
  const rows = result.positions.flatMap((p) =>
    p.differences.map((d) => [
      p.clientName,
      p.product,
      seats(p.purchased),
      seats(p.assigned),
      seats(p.billed),
      `${kindLabels[d.kind]} ${d.seats}`,
      format.money(d.monthlyImpact),
    ]),
  );
  const table = textTable(['client', 'product', 'bought', 'assigned', 'billed', 'difference', 'per month'], rows, [
    'bought',
    'assigned',
    'billed',
    'per month',
  ]);
  const totals = (Object.keys(kindLabels) as ReconciliationDifferenceKind[])
    .filter((kind) => result.totals[kind] !== 0)
    .map((kind) => `${kindLabels[kind]} ${format.money(result.totals[kind])}`)
    .join(', ');
  return `${table}\nPer month: ${totals} (${result.positionsCompared} positions compared, version ${result.version}; — = no file said)\n`;
}
