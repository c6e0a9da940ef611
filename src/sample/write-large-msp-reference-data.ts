import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ChunkedTextFile } from './chunked-text-file.js';
import { buildClientPortfolio } from './client-portfolio.js';
import { csvLine, csvTable } from './csv-text.js';
import { historyWindow } from './history-window.js';
import { checkInteger, sampleMspDefaults } from './msp-profile.js';
import { parseIsoDate } from './sample-calendar.js';
import { sampleCsvHeaders } from './sample-csv-headers.js';
import { buildStaffRoster } from './staff-roster.js';
import { clientCsvRow, staffCsvRow } from './write-sample-msp.js';

export interface LargeMspReferenceDataOptions {
  /** Client ids C0001..C<clients>, matching `writeLargeTimeLogs({ clients })`. */
  clients: number;
  /** Default 15. */
  staff?: number;
  seed?: number;
}

const CHUNK_CHARS = 1 << 20;

/**
 * clients.csv and staff.csv for a big time-log file from `writeLargeTimeLogs` with the same
 * seed, client and staff counts, so that file imports without unknown clients or staff.
 * staff.csv is byte-identical to the one `writeSampleMsp` writes for the same seed and count.
 * Client prices here are price-list figures (the full sample tunes them to target margins).
 */
export async function writeLargeMspReferenceData(dir: string, options: LargeMspReferenceDataOptions): Promise<{ clients: string; staff: string }> {
  const seed = checkInteger('seed', options.seed ?? sampleMspDefaults.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const clientCount = checkInteger('clients', options.clients, 1, 1_000_000);
  const staffCount = checkInteger('staff', options.staff ?? sampleMspDefaults.staff, 1, 10_000);
  const window = historyWindow(parseIsoDate(sampleMspDefaults.endDate) as number, sampleMspDefaults.months);

  await mkdir(dir, { recursive: true });
  const files = { clients: path.join(dir, 'clients.csv'), staff: path.join(dir, 'staff.csv') };
  await writeFile(files.staff, csvTable(sampleCsvHeaders.staff, buildStaffRoster(seed, staffCount).map(staffCsvRow)));

  const out = new ChunkedTextFile(files.clients);
  try {
    let chunk = csvLine(sampleCsvHeaders.clients);
    for (const client of buildClientPortfolio(seed, clientCount, window)) {
      chunk += csvLine(clientCsvRow(client));
      if (chunk.length >= CHUNK_CHARS) {
        await out.write(chunk);
        chunk = '';
      }
    }
    await out.write(chunk);
    await out.close();
  } catch (error) {
    out.destroy();
    throw error;
  }
  return files;
}
