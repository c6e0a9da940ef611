import { MmError } from '../../errors.js';
import { readZipDirectory, readZipEntry, verifyZipEntry, ZipDirectoryProblem, type ZipEntry } from './zip-directory.js';

/** A worksheet of a workbook, as the import reads it. */
export interface WorkbookSheet {
  /** As shown on its tab. */
  name: string;
  /** Its part in the archive, e.g. `xl/worksheets/sheet3.xml` (not always numbered in tab order). */
  part: string;
  /** Hidden sheets are read only when named. */
  hidden: boolean;
}

/** What the import needs to know of a workbook before reading its rows. */
export interface WorkbookOutline {
  /** Worksheets in tab order (chart sheets left out). */
  sheets: WorkbookSheet[];
  /** Chart sheets: named in messages, never read. */
  chartSheets: string[];
  /** Serial day numbers count from 1904-01-01 (old Mac workbooks) instead of 1899-12-30. */
  date1904: boolean;
}

/** The sheet list and relationships are small; a larger one is not a workbook written by a spreadsheet. */
const MAX_OUTLINE_PART_BYTES = 16 * 1024 * 1024;

const SAVE_AGAIN = 'Open it in Excel and save it again as an Excel Workbook (.xlsx), or save the sheet as CSV (UTF-8), then import that file.';

/**
 * Checks that a zip file is an Excel workbook and lists its sheets, from the zip directory
 * and two small parts (`xl/workbook.xml` and its relationships), without reading any rows.
 * @throws MmError MM_IMPORT_WORKBOOK_UNREADABLE naming the file and what is wrong.
 */
export async function readWorkbookOutline(file: string, fileLabel: string): Promise<WorkbookOutline> {
  const unreadable = (problem: string): MmError => new MmError('MM_IMPORT_WORKBOOK_UNREADABLE', `${fileLabel}: ${problem}. ${SAVE_AGAIN}`);
  try {
    const entries = await readZipDirectory(file);
    const workbook = entries.get('xl/workbook.xml');
    if (!workbook) throw unreadable(notAWorkbook(entries));
    const rels = entries.get('xl/_rels/workbook.xml.rels');
    if (!rels) throw unreadable('the workbook has no xl/_rels/workbook.xml.rels, so its sheets cannot be found');
    const workbookXml = (await readZipEntry(file, workbook, MAX_OUTLINE_PART_BYTES)).toString('utf8');
    const targets = relationshipTargets((await readZipEntry(file, rels, MAX_OUTLINE_PART_BYTES)).toString('utf8'));
    const outline: WorkbookOutline = { sheets: [], chartSheets: [], date1904: workbookDate1904(workbookXml) };
    for (const sheet of sheetElements(workbookXml)) {
      const part = sheet.relationId === null ? undefined : targets.get(sheet.relationId);
      if (part === undefined) throw unreadable(`the sheet '${sheet.name}' points to no part of the workbook`);
      if (part.startsWith('xl/chartsheets/')) {
        outline.chartSheets.push(sheet.name);
        continue;
      }
      // exceljs's reader finds worksheets by this name only (workbook-reader.js); Excel and LibreOffice write it so.
      if (!/^xl\/worksheets\/sheet\d+\.xml$/.test(part))
        throw unreadable(`the sheet '${sheet.name}' is stored as ${part}, a name this reader does not support`);
      if (!entries.has(part)) throw unreadable(`the sheet '${sheet.name}' is missing (${part} is not in the file)`);
      outline.sheets.push({ name: sheet.name, part, hidden: sheet.hidden });
    }
    if (outline.sheets.length === 0) throw unreadable('the workbook has no worksheet');
    await verifyReadParts(file, entries);
    return outline;
  } catch (error) {
    if (error instanceof ZipDirectoryProblem) throw unreadable(`is not a readable .xlsx workbook: ${error.message}`);
    throw error;
  }
}

/** Bytes of XML the parts exceljs reads may inflate to, together: a bound on what a zip bomb can make it write and parse. */
const MAX_WORKBOOK_XML_BYTES = 4 * 1024 ** 3;

/**
 * Checks every part exceljs's streaming reader will decompress. It copies a worksheet that
 * comes before the shared strings into a temporary file, and a damaged deflate stream there
 * leaves its read waiting forever instead of failing; checked here, such a file is refused.
 */
async function verifyReadParts(file: string, entries: Map<string, ZipEntry>): Promise<void> {
  const read = [...entries.values()].filter((entry) =>
    /^xl\/(worksheets\/(_rels\/)?sheet\d+\.xml(\.rels)?|sharedStrings\.xml|styles\.xml|workbook\.xml|_rels\/workbook\.xml\.rels)$/.test(entry.name),
  );
  const total = read.reduce((sum, entry) => sum + entry.size, 0);
  if (total > MAX_WORKBOOK_XML_BYTES)
    throw new ZipDirectoryProblem(`its sheets unpack to ${Math.round(total / 1024 ** 3)} GB of XML, more than the 4 GB an import reads`);
  for (const entry of read) await verifyZipEntry(file, entry);
}

/**
 * The sheet to import: the first visible worksheet (the one Excel opens on, unless the
 * workbook was saved on another tab), or the one named `requested` (case-insensitive).
 * @throws MmError MM_IMPORT_UNKNOWN_SHEET listing the sheet names.
 */
export function chooseSheet(outline: WorkbookOutline, requested: string | null | undefined, fileLabel: string): WorkbookSheet {
  if (requested === null || requested === undefined) return outline.sheets.find((sheet) => !sheet.hidden) ?? outline.sheets[0]!;
  const wanted = requested.trim().toLowerCase();
  const found = outline.sheets.find((sheet) => sheet.name.toLowerCase() === wanted);
  if (found) return found;
  const chart = outline.chartSheets.find((name) => name.toLowerCase() === wanted);
  const names = outline.sheets.map((sheet) => `'${sheet.name}'`).join(', ');
  const problem = chart ? `the sheet '${chart}' is a chart, not a table` : `has no sheet named '${requested}'`;
  throw new MmError('MM_IMPORT_UNKNOWN_SHEET', `${fileLabel} ${problem}; its sheets are ${names}. Name one of them with --sheet (CLI) or sheet= (HTTP).`, {
    sheets: outline.sheets.map((sheet) => sheet.name),
  });
}

function notAWorkbook(entries: Map<string, ZipEntry>): string {
  if (entries.has('mimetype') && entries.has('content.xml')) return 'is an OpenDocument file (.ods, LibreOffice), not an Excel workbook (.xlsx)';
  if (entries.has('word/document.xml')) return 'is a Word document, not an Excel workbook';
  return 'is a zip archive but not an Excel workbook (.xlsx): it has no xl/workbook.xml';
}

interface SheetElement {
  name: string;
  relationId: string | null;
  hidden: boolean;
}

/** `<sheet name="Time" sheetId="1" r:id="rId1"/>` in tab order; the namespace prefixes vary between writers. */
function sheetElements(xml: string): SheetElement[] {
  const sheets: SheetElement[] = [];
  for (const match of xml.matchAll(/<(?:[\w.-]+:)?sheet\b([^>]*)>/g)) {
    const attributes = xmlAttributes(match[1]!);
    const relation = [...attributes].find(([key]) => /^[\w.-]+:id$/.test(key));
    sheets.push({
      name: attributes.get('name') ?? '',
      relationId: relation ? relation[1] : null,
      hidden: (attributes.get('state') ?? 'visible') !== 'visible',
    });
  }
  return sheets;
}

function workbookDate1904(xml: string): boolean {
  const properties = /<(?:[\w.-]+:)?workbookPr\b([^>]*)>/.exec(xml);
  const value = properties ? xmlAttributes(properties[1]!).get('date1904') : undefined;
  return value === '1' || value === 'true';
}

/** Relationship id → part path inside the archive (targets are relative to `xl/`, or absolute from the root). */
function relationshipTargets(xml: string): Map<string, string> {
  const targets = new Map<string, string>();
  for (const match of xml.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*)>/g)) {
    const attributes = xmlAttributes(match[1]!);
    const id = attributes.get('Id');
    const target = attributes.get('Target');
    if (id === undefined || target === undefined) continue;
    targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`);
  }
  return targets;
}

function xmlAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attributes.set(match[1]!, xmlText(match[2] ?? match[3] ?? ''));
  return attributes;
}

function xmlText(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g, (_whole, hex?: string, decimal?: string, named?: string) => {
    if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
    if (decimal) return String.fromCodePoint(Number(decimal));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[named as 'amp'];
  });
}
