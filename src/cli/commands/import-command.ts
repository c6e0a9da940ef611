import { statSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { dateOrderSettings, type DateOrderSetting } from '../../config/date-order-setting.js';
import { MmError } from '../../errors.js';
import { datasetNameOf, datasetNames, unknownDatasetMessage } from '../../ingest/datasets/dataset-names.js';
import type { ImportReport } from '../../ingest/import-report.js';
import { countOf } from '../../present/display-format.js';
import { withContext, type GlobalOptions } from '../cli-context.js';
import { createProgressReporter } from '../progress-bar.js';
import { textTable } from '../text-table.js';
import { UsageError } from '../usage-error.js';

interface ImportCommandOptions {
  lenient?: boolean;
  dateOrder?: DateOrderSetting;
  sheet?: string;
  dryRun?: boolean;
  json?: boolean;
  replaceDemo?: boolean;
  force?: boolean;
  preset?: string;
  profile?: string;
  client?: string;
  priceList?: string;
  map?: boolean;
  saveProfile?: string;
  set?: string[];
}

/** How many errors the terminal shows before pointing at the rejects file. */
const shownErrors = 20;

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(`Import a CSV file or an Excel workbook as a new dataset version (datasets: ${datasetNames.join(', ')})`)
    .argument('<dataset>', `one of: ${datasetNames.join(', ')}`)
    .argument('<file>', 'CSV file (UTF-8/UTF-16/Windows-1252; comma, semicolon or tab) or Excel workbook (.xlsx)')
    .option('--sheet <name>', 'Excel workbook: the worksheet to import (case-insensitive; default the first)')
    .option('--lenient', 'load the valid rows and report the rejected ones (default: config ingest.mode, strict: all or nothing)')
    .addOption(
      new Option(
        '--date-order <order>',
        'how 03/11/2025 reads: dmy (3 November), mdy (11 March), ymd (year-first dates only), auto (decided per column from the file)',
      )
        .choices(dateOrderSettings)
        .default(undefined, 'config ingest.date_order, auto'),
    )
    .option(
      '--preset <id>',
      'vendor export preset: auto (recognised from the header), none (canonical columns only), or an id such as connectwise-time (docs/IMPORTING.md)',
    )
    .option('--profile <name>', 'read the file with a saved mapping profile (the same as --preset profile:NAME); see `moatmetrics profiles list`')
    .option('--map', 'import nothing: propose a mapping of the file header onto the dataset fields (fuzzy match), to check and save as a profile')
    .option('--save-profile <name>', 'with --map: save the proposed mapping (with the --set corrections) as a named profile, used for files with this header')
    .option(
      '--set <"File Header=field">',
      'with --map: map that column to that field instead (repeat it; "File Header=" leaves the column unmapped)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--client <id or name>', "the client of a file that names none (a Microsoft 365 tenant's license export: one tenant, one client)")
    .option('--price-list <file>', 'CSV of monthly cost per seat by product (columns product,cost_per_seat), for license exports without prices')
    .option('--dry-run', 'validate and report what would change, write nothing')
    .option('--replace-demo', 'the database holds the bundled demo data: remove it first (as new versions, audited; `versions rollback` undoes it)')
    .option('--force', 'the database holds the bundled demo data: import alongside it anyway')
    .option('--json', 'print the import report as JSON')
    .action(async (dataset: string, file: string, options: ImportCommandOptions, command: Command) => {
      // Checked before the data dir and database are created: a mistyped command creates nothing.
      if (!datasetNameOf(dataset)) throw new UsageError(unknownDatasetMessage(dataset));
      requireRegularFile(file);
      if (options.replaceDemo && options.force) throw new UsageError('use --replace-demo or --force, not both');
      if (options.map) return proposeMapping(datasetNameOf(dataset)!, file, options, command);
      if (options.saveProfile !== undefined || options.set !== undefined) throw new UsageError('--save-profile and --set go with --map');
      if (options.preset !== undefined) await checkPreset(options.preset, dataset);
      const [{ importFile }, { describeLeftovers, removeImportLeftovers }] = await Promise.all([
        import('../../ingest/import-file.js'),
        import('../../ingest/import-leftovers.js'),
      ]);
      const global = command.optsWithGlobals<GlobalOptions>();
      let configuredCurrency = 'USD';
      const report = await withContext(global, async ({ config, database, actor }) => {
        configuredCurrency = config.display.currency;
        // Only leftovers of processes that no longer run: an import running elsewhere keeps its files.
        const leftovers = await removeImportLeftovers(config.data_dir, { atStart: true });
        if (leftovers.files > 0) process.stderr.write(`note: removed ${describeLeftovers(leftovers)}\n`);
        for (const problem of leftovers.problems) process.stderr.write(`warning: ${problem}\n`);
        const sizeMb = safeSize(file) / 1e6;
        const progress = !options.json && sizeMb >= config.ingest.progress_min_mb ? createProgressReporter(process.stderr, path.basename(file)) : null;
        try {
          return await importFile(database, config, {
            dataset,
            file,
            // The same mode with and without --dry-run, so a dry run predicts the real import.
            mode: options.lenient ? 'lenient' : config.ingest.mode,
            sheet: options.sheet,
            dateOrder: options.dateOrder ?? config.ingest.date_order,
            preset: options.preset,
            ...(options.profile !== undefined ? { profile: options.profile } : {}),
            ...(options.client !== undefined ? { client: options.client } : {}),
            ...(options.priceList !== undefined ? { priceList: options.priceList } : {}),
            dryRun: options.dryRun ?? false,
            demoData: options.replaceDemo ? 'replace' : options.force ? 'mix' : 'refuse',
            actor,
            onProgress: progress?.update,
            onWaitForImport: (holder) => process.stderr.write(`${holder}; waiting…\n`),
          });
        } finally {
          progress?.done();
        }
      });
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printReport(report, configuredCurrency);
      if (report.status === 'failed') process.exitCode = 1;
    });
}

/**
 * `import <dataset> <file> --map`: the proposed mapping of the file's header, printed; with
 * `--save-profile` saved as a profile (audited). Without it nothing is opened or written.
 */
async function proposeMapping(dataset: string, file: string, options: ImportCommandOptions, command: Command): Promise<void> {
  const [{ readHeaderRow }, { parseMappingOverride }, { proposeProfile, saveImportProfile }] = await Promise.all([
    import('../../ingest/header-row.js'),
    import('../../ingest/header-proposal.js'),
    import('../../ingest/import-profiles.js'),
  ]);
  const header = await readHeaderRow(file, path.basename(file), options.sheet);
  const proposal = proposeProfile(dataset, header.cells, (options.set ?? []).map(parseMappingOverride));
  const name = options.saveProfile;
  const saved =
    name === undefined
      ? null
      : await withContext(command.optsWithGlobals<GlobalOptions>(), ({ database, actor }) =>
          saveImportProfile(database.kysely, { name, header: header.cells, proposal, actor }),
        );
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ header, proposal, saved }, null, 2)}
`);
    return;
  }
  const rows = proposal.columns.map((c) => [c.column, c.header, c.field ?? '(not mapped)', c.score === null ? '' : c.score.toFixed(2)]);
  process.stdout.write(`Proposed mapping of ${path.basename(file)} (header on line ${header.line}) onto ${dataset}:
`);
  process.stdout.write(`${textTable(['#', 'file column', 'field', 'score'], rows)}
`);
  process.stdout.write(
    proposal.missing.length > 0
      ? `required fields not mapped: ${proposal.missing.join(', ')} (map them with --set "File Header=field")\n`
      : 'every required field is mapped\n',
  );
  if (saved) {
    process.stdout.write(`saved as profile '${saved.name}': \`moatmetrics import ${dataset} <file>\` now reads files with this header this way\n`);
  } else {
    process.stdout.write('nothing saved (a proposal); correct it with --set "File Header=field" and save it with --save-profile <name>\n');
  }
}

/** An unknown preset, or one for another dataset, is a usage error: nothing is opened. */
async function checkPreset(preset: string, dataset: string): Promise<void> {
  const { checkPresetChoice } = await import('../../ingest/presets/index.js');
  try {
    checkPresetChoice(preset, datasetNameOf(dataset)!);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The same check, and message, as the import's own (ingest/inspect-file.ts), made before anything is opened. */
function requireRegularFile(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new MmError('MM_FILE_NOT_FOUND', `${file}: no such file`);
  }
  if (!isFile) throw new MmError('MM_FILE_NOT_FOUND', `${file}: not a regular file`);
}

function safeSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

const orderNames = { ymd: 'year first', dmy: 'day/month/year', mdy: 'month/day/year', 'excel-serial': 'Excel serial numbers' } as const;

function printReport(report: ImportReport, configuredCurrency: string): void {
  const out = report.status === 'failed' ? process.stderr : process.stdout;
  out.write(`${report.status === 'failed' ? 'error: ' : ''}${report.message}\n`);
  const { preset, titleRows, skippedRows, dateOrders, decimalSeparator, currency } = report.format;
  // A saved profile's name already says so: `read as: acme (saved mapping)`.
  if (preset) out.write(`read as: ${preset.name}${preset.id.startsWith('profile:') ? '' : ` (preset ${preset.id})`}\n`);
  const read = [
    ...dateOrders.filter((d) => d.order !== null).map((d) => `${d.column} ${orderNames[d.order!]}`),
    decimalSeparator ? `decimal mark '${decimalSeparator}'` : '',
    currency ? `amounts in ${currency}` : '',
  ].filter(Boolean);
  if (read.length > 0 && report.status !== 'failed') out.write(`read: ${read.join(', ')}\n`);
  if (currency && currency !== configuredCurrency) {
    out.write(
      `warning: the file's amounts are marked ${currency}, but MoatMetrics shows money as ${configuredCurrency} (display.currency); amounts are not converted\n`,
    );
  }
  if (titleRows > 0 || skippedRows > 0) {
    const skipped = [
      titleRows > 0 ? `${countOf(titleRows, 'title line')} above the header` : '',
      skippedRows > 0 ? `${countOf(skippedRows, 'total, footer, blank or non-data row')}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.write(`note: skipped ${skipped}\n`);
  }
  if (report.ignoredColumns.length > 0) out.write(`note: ignored columns not used by ${report.dataset}: ${report.ignoredColumns.join(', ')}\n`);
  // A whole-file refusal (header, encoding, malformed CSV) is already the message itself.
  const listed = report.errors.filter((error) => !report.message.startsWith(error.message));
  for (const error of listed.slice(0, shownErrors)) out.write(`  ${error.message}\n`);
  if (report.errorCount > shownErrors || (report.rejectsFile && report.errorCount > 0)) {
    const more = report.errorCount - Math.min(report.errorCount, shownErrors);
    const all = report.errorCount === 1 ? 'The error' : `All ${countOf(report.errorCount, 'error')}`;
    // A dry run writes no rejects file (it writes nothing); the real import does.
    const where = report.rejectsFile ?? (report.dryRun ? 'in the rejects file of the real import (a dry run writes none)' : '(none)');
    out.write(`  ${more > 0 ? `… and ${more} more. ` : ''}${all}: ${where}\n`);
  }
  printClientMatches(report, out);
  if (report.status !== 'failed') {
    const format =
      report.sheet !== null ? `sheet '${report.sheet}'` : `${report.encoding ?? ''} '${report.delimiter === '\t' ? '\\t' : (report.delimiter ?? '')}'`;
    out.write(`  import ${report.importId}  ${countOf(report.rows.total, 'row')}  sha256 ${report.sha256.slice(0, 12)}  ${format}\n`);
  }
}

/** Client names matched loosely (to confirm) or not at all (docs/IMPORTING.md, "Client names across sources"). */
function printClientMatches(report: ImportReport, out: NodeJS.WritableStream): void {
  const { automatic, unmapped } = report.clientMatches;
  if (automatic.length > 0) {
    out.write(`client names matched automatically (confirm with \`moatmetrics clients confirm "<name>"\`):\n`);
    for (const match of automatic) out.write(`  '${match.name}' → ${match.clientName} (${match.clientId}), ${countOf(match.rows, 'row')}\n`);
  }
  if (unmapped.length > 0) {
    out.write(`client names not mapped to any client (map with \`moatmetrics clients map "<name>" --to <client>\`):\n`);
    for (const name of unmapped) {
      const ambiguous = name.candidates.length > 0 ? `; matches ${name.candidates.map((c) => `'${c}'`).join(' and ')}` : '';
      out.write(`  '${name.name}', ${countOf(name.rows, 'row')}${ambiguous}\n`);
    }
  }
}
