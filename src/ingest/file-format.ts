import { open } from 'node:fs/promises';
import { MmError } from '../errors.js';

/** What an import file holds, told from its first bytes, whatever its name says. */
export type FileFormat = 'csv' | 'xlsx';

/** `PK\x03\x04`: a zip archive (an .xlsx workbook is one; xlsx/workbook-sheets.ts checks it is a workbook). */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** `D0 CF 11 E0 A1 B1 1A E1`: an OLE compound file, the container of Excel 97-2003 .xls and of password-protected workbooks. */
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const SAVE_AS = 'Open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV (UTF-8), then import that file.';

/**
 * Reads the first bytes of `file`: a zip archive is taken for a workbook, an OLE compound
 * file is refused with MM_IMPORT_WORKBOOK_UNSUPPORTED (saying whether it is encrypted or an
 * old .xls), anything else is read as CSV text (encoding.ts judges it).
 */
export async function detectFileFormat(file: string, fileLabel: string): Promise<FileFormat> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead >= 4 && head.subarray(0, 4).equals(ZIP_MAGIC)) return 'xlsx';
    if (bytesRead >= 8 && head.subarray(0, 8).equals(OLE_MAGIC)) {
      throw new MmError('MM_IMPORT_WORKBOOK_UNSUPPORTED', `${fileLabel}: ${describeOleFile(await firstDirectoryNames(handle, head))} ${SAVE_AS}`);
    }
    return 'csv';
  } finally {
    await handle.close();
  }
}

function describeOleFile(names: string[]): string {
  if (names.includes('EncryptedPackage') || names.includes('EncryptionInfo')) {
    return 'is a password-protected (encrypted) Excel workbook, which cannot be read without its password. Remove the password (File > Info > Protect Workbook).';
  }
  if (names.includes('Workbook') || names.includes('Book')) return 'is an Excel 97-2003 workbook (.xls), an old binary format that is not supported.';
  return 'is an Excel 97-2003 workbook (.xls) or a password-protected workbook; neither can be read.';
}

/**
 * The stream names in the first sector of an OLE file's directory, where Excel puts the
 * few streams that tell an encrypted workbook (EncryptionInfo, EncryptedPackage) from an
 * .xls (Workbook). Best effort: an unusual layout only makes the message less specific.
 */
async function firstDirectoryNames(handle: Awaited<ReturnType<typeof open>>, header: Buffer): Promise<string[]> {
  const sectorSize = 1 << header.readUInt16LE(0x1e);
  if (sectorSize !== 512 && sectorSize !== 4096) return [];
  const sector = header.readUInt32LE(0x30);
  const buffer = Buffer.alloc(sectorSize);
  const { bytesRead } = await handle.read(buffer, 0, sectorSize, (sector + 1) * sectorSize);
  const names: string[] = [];
  for (let at = 0; at + 128 <= bytesRead; at += 128) {
    const length = buffer.readUInt16LE(at + 64);
    if (length >= 2 && length <= 64) names.push(buffer.toString('utf16le', at, at + length - 2));
  }
  return names;
}
