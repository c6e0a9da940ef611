import { ChunkedTextFile } from './chunked-text-file.js';
import { clientIdFor } from './client-portfolio.js';
import { csvField, csvLine } from './csv-text.js';
import { formatCents, formatQuarterHours } from './decimal-text.js';
import { historyWindow } from './history-window.js';
import { checkInteger, sampleMspDefaults } from './msp-profile.js';
import { formatIsoDate, isWeekend, parseIsoDate } from './sample-calendar.js';
import { sampleCsvHeaders } from './sample-csv-headers.js';
import { ticketDurations } from './sample-time-logs.js';
import { SeededRandom } from './seeded-random.js';
import { StaffAssignment } from './staff-assignment.js';
import { buildStaffRoster } from './staff-roster.js';

export interface LargeTimeLogOptions {
  /** Rows to write. Without `rows` or `targetBytes`: 1,000,000. With both, whichever is reached first. */
  rows?: number;
  /** Stop once the file (header included) reaches this many bytes. */
  targetBytes?: number;
  /** Client ids C0001..C<clients>; default 40. */
  clients?: number;
  /** Staff of `writeSampleMsp` with the same seed and count; default 15. */
  staff?: number;
  seed?: number;
  /** Leave out the log_id column, so the importer derives ids from a hash of each row. */
  withoutIds?: boolean;
}

const DEFAULT_ROWS = 1_000_000;
/** Lines are gathered into buffers of about this size before each write. */
const CHUNK_BYTES = 1 << 20;
/** Room past CHUNK_BYTES for the line that crosses it. */
const MAX_LINE_BYTES = 64 * 1024;
const LOOKUP_BITS = 10;
const LOOKUP_SIZE = 1 << LOOKUP_BITS;
const LOOKUP_MASK = LOOKUP_SIZE - 1;
const BILLABLE_SHARE = 0.82;
const WEEKDAY_WEIGHT = 32;
const ID_DIGITS = 10;
/** The id odometer has ten digits. */
const MAX_ROWS = 10 ** ID_DIGITS - 1;

/**
 * A big time-log file for benchmarks, with the header of time_logs.csv (or without its
 * log_id column). Written as a stream with backpressure in ~1 MB chunks, so memory is
 * constant whether it is 50,000 rows or 15 million (> 1 GB).
 *
 * Rows are drawn independently (not in date order) over the default 14-month window; every
 * cell is a precomputed byte string copied into the chunk buffer, which keeps generation
 * at millions of rows a second. Identical rows do occur (same client, person, day, hours:
 * about 5 % of 200,000 rows over 40 clients); without ids, only their occurrence number
 * tells them apart.
 */
export async function writeLargeTimeLogs(file: string, options: LargeTimeLogOptions): Promise<{ rows: number; bytes: number }> {
  const seed = checkInteger('seed', options.seed ?? sampleMspDefaults.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const clientCount = checkInteger('clients', options.clients ?? sampleMspDefaults.clients, 1, 1_000_000);
  const staffCount = checkInteger('staff', options.staff ?? sampleMspDefaults.staff, 1, 10_000);
  const maxRows = options.rows !== undefined ? checkInteger('rows', options.rows, 0, MAX_ROWS) : options.targetBytes !== undefined ? MAX_ROWS : DEFAULT_ROWS;
  const targetBytes =
    options.targetBytes !== undefined ? checkInteger('targetBytes', options.targetBytes, 0, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
  const withIds = options.withoutIds !== true;

  const tables = buildRowTables(seed, clientCount, staffCount);
  const rng = new SeededRandom(seed, 'large-time-logs');
  const out = new ChunkedTextFile(file);
  try {
    const header = withIds ? sampleCsvHeaders.time_logs : sampleCsvHeaders.time_logs.filter((c) => c !== 'log_id');
    const headerBytes = Buffer.from(csvLine(header), 'utf8');
    const { clientCells, staffCells, staffLookup, dateCells, hoursLookup, tails } = tables;
    const billableCut = Math.round(BILLABLE_SHARE * LOOKUP_SIZE);
    // The id is kept as ASCII digits and counted up in place, like an odometer.
    const id = Buffer.from('TL-' + '0'.repeat(ID_DIGITS) + ',', 'latin1');
    const idLast = id.length - 2;
    const dateCount = dateCells.length;
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
    buffer.set(headerBytes, 0);
    let pos = headerBytes.length;
    let bytes = pos;
    let rows = 0;
    while (rows < maxRows && bytes < targetBytes) {
      const a = rng.uint32();
      const b = rng.uint32();
      const c = rng.uint32();
      const staffIndex = staffLookup[b & LOOKUP_MASK] as number;
      const billable = ((b >>> 20) & LOOKUP_MASK) < billableCut ? 1 : 0;
      const start = pos;
      if (withIds) {
        let d = idLast;
        while (id[d] === 57) id[d--] = 48;
        id[d] = (id[d] as number) + 1;
        pos = copy(id, buffer, pos);
      }
      pos = copy(clientCells[Math.floor((a / 4294967296) * clientCount)] as Uint8Array, buffer, pos);
      pos = copy(staffCells[staffIndex] as Uint8Array, buffer, pos);
      pos = copy(dateCells[Math.floor((c / 4294967296) * dateCount)] as Uint8Array, buffer, pos);
      pos = copy(hoursLookup[(b >>> 10) & LOOKUP_MASK] as Uint8Array, buffer, pos);
      pos = copy(tails[staffIndex * 2 + billable] as Uint8Array, buffer, pos);
      rows++;
      bytes += pos - start;
      if (pos >= CHUNK_BYTES) {
        await out.write(buffer.subarray(0, pos));
        buffer = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
        pos = 0;
      }
    }
    await out.write(buffer.subarray(0, pos));
    const written = await out.close();
    return { rows, bytes: written };
  } catch (error) {
    out.destroy();
    throw error;
  }
}

/** Byte-by-byte copy: for cells of 5–20 bytes this beats Buffer#set / copy calls. */
function copy(from: Uint8Array, to: Uint8Array, at: number): number {
  for (let i = 0; i < from.length; i++) to[at + i] = from[i] as number;
  return at + from.length;
}

interface RowTables {
  /** `C0001,` … (all cells are UTF-8 bytes) */
  clientCells: Uint8Array[];
  /** `Jane Doe,` per roster member. */
  staffCells: Uint8Array[];
  /** Roster index, drawn by role mix and capacity like the sample's own time logs. */
  staffLookup: Uint16Array;
  /** `2025-03-04,`, each weekday repeated so weekends get about 3 % of entries. */
  dateCells: Uint8Array[];
  /** `1.25,` by ticket-duration frequency. */
  hoursLookup: Uint8Array[];
  /** `95.00,false\n`, `95.00,true\n` per roster member (billing rate, billable). */
  tails: Uint8Array[];
}

function buildRowTables(seed: number, clientCount: number, staffCount: number): RowTables {
  const staff = buildStaffRoster(seed, staffCount);
  const assignment = new StaffAssignment(staff);
  const managed = assignment.shares('managed');
  const project = assignment.shares('project');
  const vcio = assignment.shares('vcio');
  const staffWeights = managed.map((m, i) => 0.85 * m + 0.11 * (project[i] ?? 0) + 0.04 * (vcio[i] ?? 0));

  const endDay = parseIsoDate(sampleMspDefaults.endDate) as number;
  const window = historyWindow(endDay, sampleMspDefaults.months);
  const dateCells: Uint8Array[] = [];
  for (let day = window.startDay; day <= window.endDay; day++) {
    const cell = utf8(formatIsoDate(day) + ',');
    for (let n = isWeekend(day) ? 1 : WEEKDAY_WEIGHT; n > 0; n--) dateCells.push(cell);
  }

  return {
    clientCells: Array.from({ length: clientCount }, (_, i) => utf8(clientIdFor(i + 1) + ',')),
    staffCells: staff.map((m) => utf8(csvField(m.staffName) + ',')),
    staffLookup: Uint16Array.from(lookupTable(staffWeights)),
    dateCells,
    hoursLookup: lookupTable(ticketDurations.weights).map((i) => utf8(formatQuarterHours(ticketDurations.quarters[i] ?? 4) + ',')),
    tails: staff.flatMap((m) => [utf8(`${formatCents(m.billingRateCents)},false\n`), utf8(`${formatCents(m.billingRateCents)},true\n`)]),
  };
}

function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/**
 * A table of LOOKUP_SIZE indices in which index i appears in proportion to weights[i]
 * (largest-remainder rounding), so a weighted draw is one masked array read.
 */
function lookupTable(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const exact = weights.map((w) => (w / total) * LOOKUP_SIZE);
  const counts = exact.map(Math.floor);
  let missing = LOOKUP_SIZE - counts.reduce((sum, n) => sum + n, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((p, q) => q.r - p.r || p.i - q.i);
  for (const { i } of byRemainder) {
    if (missing-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.flatMap((n, i) => new Array<number>(n).fill(i));
}
