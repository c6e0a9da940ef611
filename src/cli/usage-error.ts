import { MmError } from '../errors.js';

/**
 * The command line itself is wrong (an unknown dataset, a malformed date or number), found
 * from the arguments alone before anything is opened or created. The CLI exits 2 for it, as
 * for the usage errors commander finds; other user errors exit 1.
 */
export class UsageError extends MmError {
  constructor(message: string) {
    super('MM_USAGE', message);
  }
}
