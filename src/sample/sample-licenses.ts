import type { SampleClient } from './client-portfolio.js';
import type { Industry } from './company-names.js';
import { formatCents } from './decimal-text.js';
import type { HistoryWindow } from './history-window.js';
import { licenseCatalogue as catalogue, type LicenseProduct } from './license-catalogue.js';
import { formatIsoDate, nextAnniversary } from './sample-calendar.js';
import { SeededRandom } from './seeded-random.js';

export interface SampleLicense {
  licenseId: string;
  clientId: string;
  product: LicenseProduct;
  seatsPurchased: number;
  seatsUsed: number;
  costPerSeatCents: number;
  pricePerSeatCents: number;
  billingTerm: 'annual' | 'monthly';
  renewalDate: string;
}

const PDF_HEAVY: ReadonlySet<Industry> = new Set(['Legal', 'Accounting', 'Real Estate', 'Construction']);
const GOOGLE_LEANING: ReadonlySet<Industry> = new Set(['Education', 'Non-profit', 'Retail']);
const FRONTLINE: ReadonlySet<Industry> = new Set(['Retail', 'Logistics', 'Manufacturing']);

/**
 * Today's license snapshot (a vendor-portal export), so only clients still under contract
 * (status active) have licenses. Most lines are well used; the designed waste (grant-funded
 * suite seats, unused Acrobat seats), some random idle add-ons (< 50 % used) and a few
 * over-assigned lines (seats_used > seats_purchased, a compliance risk) are mixed in.
 */
export function buildSampleLicenses(seed: number, clients: readonly SampleClient[], window: HistoryWindow): SampleLicense[] {
  const rng = new SeededRandom(seed, 'licenses');
  const licenses: SampleLicense[] = [];
  const firstOfNextMonth = (window.months.at(-1)?.lastDay ?? window.endDay) + 1;
  for (const client of clients) {
    if (client.status !== 'active') continue;
    for (const line of licenseLinesFor(client, rng)) {
      const term = rng.pick(line.product.terms);
      const premium = term === 'monthly' && line.product.hasMonthlyTermPremium ? 1.2 : 1;
      licenses.push({
        licenseId: '',
        clientId: client.clientId,
        product: line.product,
        seatsPurchased: line.purchased,
        seatsUsed: line.used,
        costPerSeatCents: Math.round(line.product.costCents * premium),
        pricePerSeatCents: Math.round(line.product.priceCents * premium),
        billingTerm: term,
        // Annual terms renew on the client's anniversary; monthly ones on the 1st.
        renewalDate: formatIsoDate(term === 'annual' ? nextAnniversary(client.onboardedOn, window.endDay) : firstOfNextMonth),
      });
    }
  }
  ensureUtilizationOutliers(licenses, rng);
  licenses.forEach((license, i) => {
    license.licenseId = `LIC-${String(i + 1).padStart(5, '0')}`;
  });
  return licenses;
}

interface LicenseLine {
  product: LicenseProduct;
  purchased: number;
  used: number;
}

function licenseLinesFor(client: SampleClient, rng: SeededRandom): LicenseLine[] {
  const users = client.users;
  const lines: LicenseLine[] = [];
  const wellUsed = (product: LicenseProduct, seats: number): LicenseLine => {
    const purchased = Math.max(1, seats + rng.int(0, 2));
    return { product, purchased, used: Math.max(0, purchased - rng.int(0, Math.ceil(purchased * 0.08))) };
  };

  // Productivity suite.
  const overBoughtSuite = client.licenseWaste === 'over-bought-suite';
  const useGoogle = !overBoughtSuite && (GOOGLE_LEANING.has(client.industry) ? rng.chance(0.45) : rng.chance(0.08));
  let suiteIncludesDefender = false;
  if (overBoughtSuite) {
    // A grant paid for more than twice the seats the charity needs.
    const purchased = Math.round(users * rng.between(2.1, 2.6));
    lines.push({ product: catalogue.m365BusinessPremium, purchased, used: users });
    suiteIncludesDefender = true;
  } else if (useGoogle) {
    lines.push(wellUsed(catalogue.googleWorkspaceStandard, users));
  } else if (users > 70 && rng.chance(0.6)) {
    lines.push(wellUsed(catalogue.m365E3, users));
  } else if (rng.chance(0.7)) {
    lines.push(wellUsed(catalogue.m365BusinessPremium, users));
    suiteIncludesDefender = true;
  } else {
    lines.push(wellUsed(catalogue.m365BusinessStandard, users));
  }
  if (FRONTLINE.has(client.industry) && !useGoogle && rng.chance(0.6)) {
    // Shared mailboxes and frontline workers on cheaper plans.
    lines.push(wellUsed(catalogue.m365BusinessBasic, Math.max(2, Math.round(users * rng.between(0.15, 0.4)))));
  }
  if (!useGoogle && rng.chance(0.35)) {
    lines.push(wellUsed(catalogue.exchangeOnlinePlan1, Math.max(1, Math.round(users * rng.between(0.05, 0.15)))));
  }

  // Endpoint security: Business Premium already includes Defender for Business.
  if (!suiteIncludesDefender && !useGoogle && rng.chance(0.5)) {
    lines.push(wellUsed(catalogue.defenderForBusiness, users));
  } else if (rng.chance(0.75)) {
    lines.push(wellUsed(rng.chance(0.55) ? catalogue.sentinelOneControl : catalogue.dattoEdr, users + rng.int(0, 3)));
  }
  if (rng.chance(0.7)) lines.push(wellUsed(catalogue.acronisCyberProtect, users + rng.int(1, 4)));
  if (rng.chance(0.4)) lines.push(wellUsed(catalogue.duoMfa, users));

  // Add-ons bought per team; these are where seats sit idle.
  if (PDF_HEAVY.has(client.industry) || client.licenseWaste === 'unused-add-on') {
    if (client.licenseWaste === 'unused-add-on') {
      lines.push({ product: catalogue.adobeAcrobatPro, purchased: users, used: Math.round(users * rng.between(0.2, 0.35)) });
    } else {
      lines.push(idleOrUsed(catalogue.adobeAcrobatPro, Math.max(2, Math.round(users * rng.between(0.3, 0.6))), rng));
    }
  }
  if (rng.chance(0.3)) lines.push(idleOrUsed(catalogue.zoomPro, Math.max(2, Math.round(users * rng.between(0.1, 0.3))), rng));

  // Now and then someone assigns a seat that was never bought.
  for (const line of lines) {
    if (line.used <= line.purchased && rng.chance(0.04)) line.used = line.purchased + rng.int(1, 4);
  }
  return lines;
}

/** Add-on seats: usually used, sometimes mostly idle (< 50 %). */
function idleOrUsed(product: LicenseProduct, purchased: number, rng: SeededRandom): LicenseLine {
  const used = rng.chance(0.25) ? Math.floor(purchased * rng.between(0.1, 0.45)) : purchased - rng.int(0, Math.ceil(purchased * 0.15));
  return { product, purchased, used: Math.max(0, used) };
}

/** Guarantees the utilization findings the demo relies on, even for small portfolios. */
function ensureUtilizationOutliers(licenses: SampleLicense[], rng: SeededRandom): void {
  const minimum = Math.min(2, licenses.length);
  const under = (l: SampleLicense) => l.seatsUsed * 2 < l.seatsPurchased;
  const over = (l: SampleLicense) => l.seatsUsed > l.seatsPurchased;
  const ordinary = rng.shuffled(licenses.filter((l) => !under(l) && !over(l) && l.seatsPurchased >= 4));
  for (let n = licenses.filter(under).length; n < minimum; n++) {
    const line = ordinary.pop();
    if (line) line.seatsUsed = Math.floor(line.seatsPurchased * 0.4);
  }
  for (let n = licenses.filter(over).length; n < minimum; n++) {
    const line = ordinary.pop();
    if (line) line.seatsUsed = line.seatsPurchased + 2;
  }
}

export function licenseCsvRow(license: SampleLicense): string[] {
  return [
    license.licenseId,
    license.clientId,
    license.product.product,
    license.product.vendor,
    String(license.seatsPurchased),
    String(license.seatsUsed),
    formatCents(license.costPerSeatCents),
    formatCents(license.seatsPurchased * license.costPerSeatCents),
    formatCents(license.pricePerSeatCents),
    license.billingTerm,
    license.renewalDate,
  ];
}
