import { isIPv6 } from 'node:net';

/**
 * The in-memory half of the lock-out design (docs/SECURITY.md, "Issue 8"): failed logins
 * per (user name, client address), and which addresses failed for each account.
 *
 * - A (name, address) pair that failed `maxFailures` times waits 1 minute before it may try
 *   that name again, doubling with every further failure up to `lockoutMinutes`, and is
 *   forgotten after `lockoutMinutes` without a failure once its back-off ended. This slows a
 *   guesser on one address to about one guess per `lockoutMinutes` without touching anyone
 *   else: the account itself is not locked.
 * - The account-wide lock (users.locked_until, decided in login.ts) also needs failures from
 *   `login.lock_min_addresses` different addresses within `lockoutMinutes` (addressesFailing),
 *   so one address — one person, one script — can never lock an account, while a guesser
 *   spread over many can.
 *
 * Both are kept per name whether or not the user exists, so neither reveals which names do.
 * IPv6 addresses count per /64 (one host usually owns a whole /64). State lives in this
 * process: a restart forgets it (the account's failure count is in the database), and
 * several servers on one PostgreSQL each keep their own. At most `capacity` pairs and
 * accounts are remembered; the oldest are forgotten first.
 */
export interface LoginThrottleSettings {
  maxFailures: number;
  lockoutMinutes: number;
}

interface PairState {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

const FIRST_BACKOFF_MS = 60_000;

export class LoginThrottle {
  readonly #pairs = new Map<string, PairState>();
  /** name → address key → time of its latest failure */
  readonly #accounts = new Map<string, Map<string, number>>();
  readonly #windowMs: number;

  constructor(
    private readonly settings: LoginThrottleSettings,
    private readonly capacity = 10_000,
  ) {
    this.#windowMs = settings.lockoutMinutes * 60_000;
  }

  /** Milliseconds before `name` may be tried from `address` again (0: now). */
  waitMs(name: string, address: string, now = Date.now()): number {
    const pair = this.#pair(name, address, now);
    return pair ? Math.max(0, pair.blockedUntil - now) : 0;
  }

  /** Counts a failure of the pair; from the `maxFailures`th on the pair backs off. */
  recordFailure(name: string, address: string, now = Date.now()): void {
    const key = pairKey(name, address);
    const pair = this.#pair(name, address, now) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
    pair.failures += 1;
    pair.lastFailure = now;
    const beyond = pair.failures - this.settings.maxFailures;
    if (beyond >= 0) pair.blockedUntil = now + Math.min(FIRST_BACKOFF_MS * 2 ** Math.min(beyond, 20), this.#windowMs);
    remember(this.#pairs, key, pair, this.capacity);
  }

  /** Notes that `address` failed for the existing account `name`; returns how many addresses did within the window. */
  addressesFailing(name: string, address: string, now = Date.now()): number {
    const addresses = this.#accounts.get(name) ?? new Map<string, number>();
    for (const [known, at] of addresses) if (now - at > this.#windowMs) addresses.delete(known);
    addresses.set(addressKey(address), now);
    remember(this.#accounts, name, addresses, this.capacity);
    return addresses.size;
  }

  /** A successful login: the pair starts afresh. */
  recordSuccess(name: string, address: string): void {
    this.#pairs.delete(pairKey(name, address));
  }

  /** The account was locked (or unlocked by an admin): its address tally starts afresh. */
  forgetAccount(name: string): void {
    this.#accounts.delete(name);
  }

  #pair(name: string, address: string, now: number): PairState | undefined {
    const key = pairKey(name, address);
    const pair = this.#pairs.get(key);
    // Forgotten only after a whole quiet window past its last failure and its back-off: one
    // more guess the moment a back-off ends must not start the pair afresh.
    if (pair && now - Math.max(pair.lastFailure, pair.blockedUntil) > this.#windowMs) {
      this.#pairs.delete(key);
      return undefined;
    }
    return pair;
  }
}

function pairKey(name: string, address: string): string {
  return `${addressKey(address)} ${name}`;
}

/** Re-inserting moves an entry to the end, so the map's first entries are the least recently failed. */
function remember<V>(map: Map<string, V>, key: string, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) map.delete(map.keys().next().value!);
}

/** IPv4 as is (also when mapped into IPv6), IPv6 as its /64 prefix. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
