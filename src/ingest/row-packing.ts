import type { StagedRow } from './writers/import-writer.js';

/**
 * Staged rows in a compact form for the trip from the reading worker to the importer's
 * thread (read-rows-in-worker.ts). Copying row objects between threads cost as much as
 * parsing them (structured clone: ~2 µs a row each way, measured); here numbers travel in a
 * transferred Float64Array, and strings that repeat (client ids, staff, dates, statuses)
 * are sent once per import and then named by their index in a per-column dictionary both
 * sides keep in step. Strings that do not repeat (ids, notes) travel as they are.
 *
 * Each row is `values`, then `baseKey`, then `line`: `width` cells of which the kinds,
 * numbers and dictionary indexes are laid out row after row.
 */
export interface PackedRows {
  count: number;
  /** Per cell: NULL, NUMBER (in `numbers`), KNOWN (dictionary index in `numbers`), STRING (next of `strings`), OTHER (next of `others`). */
  kinds: Uint8Array;
  numbers: Float64Array;
  strings: string[];
  others: unknown[];
  /** Dictionary entries this batch adds, in order: the cell (column) and the string. */
  addedCells: number[];
  addedStrings: string[];
}

const NULL = 0;
const NUMBER = 1;
const KNOWN = 2;
const STRING = 3;
const OTHER = 4;

/**
 * Distinct strings remembered per column. Repeating columns (a few thousand clients, dates
 * of a few years) fit; a column of unique ids fills it, and is then sent as plain strings
 * without looking them up (its dictionary answered less than half of the lookups).
 */
const DICTIONARY_LIMIT = 16_384;

interface Dictionary {
  indexes: Map<string, number>;
  lookups: number;
  hits: number;
  /** Full and rarely hit: its strings are sent as they are. */
  bypassed: boolean;
}

/** The worker's side: packs batches, remembering which strings the other side already has. */
export class RowPacker {
  private readonly width: number;
  private readonly dictionaries: Dictionary[];

  /** @param columns values per row (the dataset's columns) */
  constructor(columns: number) {
    this.width = columns + 2;
    this.dictionaries = Array.from({ length: this.width }, () => ({ indexes: new Map(), lookups: 0, hits: 0, bypassed: false }));
  }

  /** The packed rows and the buffers to transfer (not copy) with them. */
  pack(rows: readonly StagedRow[]): { packed: PackedRows; transfer: ArrayBuffer[] } {
    const width = this.width;
    const columns = width - 2;
    const kinds = new Uint8Array(rows.length * width);
    const numbers = new Float64Array(rows.length * width);
    const packed: PackedRows = { count: rows.length, kinds, numbers, strings: [], others: [], addedCells: [], addedStrings: [] };
    let cell = 0;
    for (const row of rows) {
      const values = row.values;
      for (let c = 0; c < columns; c++) this.put(packed, cell++, c, values[c]);
      this.put(packed, cell++, columns, row.baseKey);
      kinds[cell] = NUMBER;
      numbers[cell++] = row.line;
    }
    return { packed, transfer: [kinds.buffer as ArrayBuffer, numbers.buffer as ArrayBuffer] };
  }

  private put(packed: PackedRows, cell: number, column: number, value: unknown): void {
    if (value === null || value === undefined) {
      packed.kinds[cell] = NULL;
      return;
    }
    if (typeof value === 'number') {
      packed.kinds[cell] = NUMBER;
      packed.numbers[cell] = value;
      return;
    }
    if (typeof value !== 'string') {
      packed.kinds[cell] = OTHER;
      packed.others.push(value);
      return;
    }
    const dictionary = this.dictionaries[column]!;
    let index: number | undefined;
    if (!dictionary.bypassed) {
      const { indexes } = dictionary;
      dictionary.lookups += 1;
      index = indexes.get(value);
      if (index !== undefined) dictionary.hits += 1;
      else if (indexes.size < DICTIONARY_LIMIT) {
        index = indexes.size;
        indexes.set(value, index);
        packed.addedCells.push(column);
        packed.addedStrings.push(value);
      } else if (dictionary.hits * 2 < dictionary.lookups) dictionary.bypassed = true;
    }
    if (index === undefined) {
      packed.kinds[cell] = STRING;
      packed.strings.push(value);
    } else {
      packed.kinds[cell] = KNOWN;
      packed.numbers[cell] = index;
    }
  }
}

/** The importer's side: unpacks batches in the order they were packed. */
export class RowUnpacker {
  private readonly width: number;
  private readonly dictionaries: string[][];

  constructor(columns: number) {
    this.width = columns + 2;
    this.dictionaries = Array.from({ length: this.width }, () => []);
  }

  unpack(packed: PackedRows): StagedRow[] {
    for (let i = 0; i < packed.addedCells.length; i++) this.dictionaries[packed.addedCells[i]!]!.push(packed.addedStrings[i]!);
    const { kinds, numbers, strings, others } = packed;
    const width = this.width;
    const columns = width - 2;
    const rows = new Array<StagedRow>(packed.count);
    let cell = 0;
    let nextString = 0;
    let nextOther = 0;
    const read = (column: number): unknown => {
      const at = cell++;
      switch (kinds[at]) {
        case NUMBER:
          return numbers[at];
        case KNOWN:
          return this.dictionaries[column]![numbers[at]!];
        case STRING:
          return strings[nextString++];
        case OTHER:
          return others[nextOther++];
        default:
          return null;
      }
    };
    for (let r = 0; r < packed.count; r++) {
      const values = new Array<unknown>(columns);
      for (let c = 0; c < columns; c++) values[c] = read(c);
      const baseKey = read(columns) as string | null;
      rows[r] = { values, baseKey, line: read(columns + 1) as number };
    }
    return rows;
  }
}
