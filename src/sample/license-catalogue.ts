/**
 * Products an MSP resells, with monthly per-seat prices in cents: `costCents` is what the MSP
 * pays its distributor (CSP / Pax8 style, about 10 % under list for Microsoft), `priceCents`
 * what the client is billed (list or MSP price book). US list prices, 2025, annual commitment.
 */
export interface LicenseProduct {
  product: string;
  vendor: string;
  costCents: number;
  priceCents: number;
  /** Microsoft NCE monthly-term subscriptions cost 20 % more than annual ones. */
  hasMonthlyTermPremium: boolean;
  /** Terms this product is sold on. */
  terms: readonly ('annual' | 'monthly')[];
}

function product(
  productName: string,
  vendor: string,
  costCents: number,
  priceCents: number,
  terms: LicenseProduct['terms'],
  hasMonthlyTermPremium = false,
): LicenseProduct {
  return { product: productName, vendor, costCents, priceCents, terms, hasMonthlyTermPremium };
}

export const licenseCatalogue = {
  m365BusinessPremium: product('Microsoft 365 Business Premium', 'Microsoft', 1980, 2200, ['annual', 'monthly'], true),
  m365E3: product('Microsoft 365 E3', 'Microsoft', 3240, 3600, ['annual', 'monthly'], true),
  m365BusinessStandard: product('Microsoft 365 Business Standard', 'Microsoft', 1125, 1250, ['annual', 'monthly'], true),
  m365BusinessBasic: product('Microsoft 365 Business Basic', 'Microsoft', 540, 600, ['annual', 'monthly'], true),
  exchangeOnlinePlan1: product('Exchange Online Plan 1', 'Microsoft', 360, 400, ['annual', 'monthly'], true),
  defenderForBusiness: product('Microsoft Defender for Business', 'Microsoft', 270, 300, ['annual', 'monthly'], true),
  googleWorkspaceStandard: product('Google Workspace Business Standard', 'Google', 1120, 1400, ['annual', 'monthly']),
  sentinelOneControl: product('SentinelOne Control', 'SentinelOne', 450, 800, ['monthly']),
  dattoEdr: product('Datto EDR', 'Datto', 350, 700, ['monthly']),
  acronisCyberProtect: product('Acronis Cyber Protect', 'Acronis', 420, 900, ['monthly']),
  adobeAcrobatPro: product('Adobe Acrobat Pro', 'Adobe', 2039, 2399, ['annual']),
  zoomPro: product('Zoom Pro', 'Zoom', 1333, 1599, ['annual', 'monthly']),
  duoMfa: product('Duo MFA', 'Cisco', 300, 500, ['monthly']),
} as const satisfies Record<string, LicenseProduct>;
