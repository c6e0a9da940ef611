import { InvalidArgumentError } from 'commander';

/**
 * Parsers for numeric options: a wrong value is a usage error commander reports (exit 2)
 * before the command opens or creates anything, instead of a NaN reaching the command.
 */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('Expected a whole number.');
  return Number(value);
}

/** A TCP port; 0 lets the system choose a free one. */
export function portNumber(value: string): number {
  const port = wholeNumber(value);
  if (port > 65_535) throw new InvalidArgumentError('Expected a port number from 0 to 65535.');
  return port;
}
