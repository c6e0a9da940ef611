/**
 * Product names of license exports, so that one product is one position whichever file names
 * it: Microsoft Graph and the admin centre's API name a SKU by its part number (`SPE_E3`),
 * Partner Center, Pax8, PSAs and the admin centre's own export by its product name
 * ("Microsoft 365 E3"). Source: Microsoft's "Product names and service plan identifiers for
 * licensing" (learn.microsoft.com, Entra ID → licensing service plan reference). A part
 * number not listed keeps its own spelling as the product name.
 */
const microsoftSkus: ReadonlyArray<readonly [partNumber: string, name: string]> = [
  ['SPB', 'Microsoft 365 Business Premium'],
  // O365_BUSINESS_PREMIUM is Business *Standard* (the part number predates the rename).
  ['O365_BUSINESS_PREMIUM', 'Microsoft 365 Business Standard'],
  ['O365_BUSINESS_ESSENTIALS', 'Microsoft 365 Business Basic'],
  ['O365_BUSINESS', 'Microsoft 365 Apps for business'],
  ['OFFICESUBSCRIPTION', 'Microsoft 365 Apps for enterprise'],
  ['SPE_E3', 'Microsoft 365 E3'],
  ['SPE_E5', 'Microsoft 365 E5'],
  ['SPE_F1', 'Microsoft 365 F3'],
  ['M365_F1_COMM', 'Microsoft 365 F1'],
  ['Microsoft_365_E3_(no_Teams)', 'Microsoft 365 E3 (no Teams)'],
  ['Microsoft_365_E5_(no_Teams)', 'Microsoft 365 E5 (no Teams)'],
  ['STANDARDPACK', 'Office 365 E1'],
  ['ENTERPRISEPACK', 'Office 365 E3'],
  ['ENTERPRISEPREMIUM', 'Office 365 E5'],
  ['DESKLESSPACK', 'Office 365 F3'],
  ['EXCHANGESTANDARD', 'Exchange Online (Plan 1)'],
  ['EXCHANGEENTERPRISE', 'Exchange Online (Plan 2)'],
  ['EXCHANGEDESKLESS', 'Exchange Online Kiosk'],
  ['EXCHANGEARCHIVE_ADDON', 'Exchange Online Archiving for Exchange Online'],
  ['SHAREPOINTSTANDARD', 'SharePoint Online (Plan 1)'],
  ['EMS', 'Enterprise Mobility + Security E3'],
  ['EMSPREMIUM', 'Enterprise Mobility + Security E5'],
  ['AAD_PREMIUM', 'Microsoft Entra ID P1'],
  ['AAD_PREMIUM_P2', 'Microsoft Entra ID P2'],
  ['INTUNE_A', 'Microsoft Intune Plan 1'],
  ['ATP_ENTERPRISE', 'Microsoft Defender for Office 365 (Plan 1)'],
  ['THREAT_INTELLIGENCE', 'Microsoft Defender for Office 365 (Plan 2)'],
  ['DEFENDER_ENDPOINT_P1', 'Microsoft Defender for Endpoint P1'],
  ['WIN_DEF_ATP', 'Microsoft Defender for Endpoint P2'],
  ['WIN10_VDA_E3', 'Windows 10/11 Enterprise E3'],
  ['RIGHTSMANAGEMENT', 'Azure Information Protection Plan 1'],
  ['PROJECTPROFESSIONAL', 'Project Plan 3'],
  ['PROJECTPREMIUM', 'Project Plan 5'],
  ['VISIOCLIENT', 'Visio Plan 2'],
  ['VISIOONLINE_PLAN1', 'Visio Plan 1'],
  ['POWER_BI_PRO', 'Power BI Pro'],
  ['POWER_BI_STANDARD', 'Power BI (free)'],
  ['FLOW_FREE', 'Microsoft Power Automate Free'],
  ['TEAMS_EXPLORATORY', 'Microsoft Teams Exploratory'],
  ['MCOEV', 'Microsoft Teams Phone Standard'],
  ['MCOPSTN1', 'Microsoft Teams Domestic Calling Plan'],
  ['MCOMEETADV', 'Microsoft 365 Audio Conferencing'],
  ['PHONESYSTEM_VIRTUALUSER', 'Microsoft Teams Phone Resource Account'],
];

/** Earlier names of the same products, as older exports and price lists write them. */
const formerNames: ReadonlyArray<readonly [former: string, name: string]> = [
  ['Azure Active Directory Premium P1', 'Microsoft Entra ID P1'],
  ['Azure Active Directory Premium P2', 'Microsoft Entra ID P2'],
  ['Office 365 Business Premium', 'Microsoft 365 Business Standard'],
  ['Office 365 Business Essentials', 'Microsoft 365 Business Basic'],
  ['Microsoft 365 Business', 'Microsoft 365 Business Premium'],
  ['Exchange Online Plan 1', 'Exchange Online (Plan 1)'],
  ['Exchange Online Plan 2', 'Exchange Online (Plan 2)'],
];

/** `Exchange Online (Plan 1)` → `exchangeonlineplan1`: how product names are compared. */
export function productKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9+]/g, '');
}

const names = new Map<string, string>();
for (const [partNumber, name] of microsoftSkus) {
  names.set(productKey(partNumber), name);
  names.set(productKey(name), name);
}
for (const [former, name] of formerNames) names.set(productKey(former), name);

/** Microsoft free SKUs a tenant holds without buying them: no seat cost is needed for them. */
export const freeMicrosoftProducts: ReadonlySet<string> = new Set(
  ['POWER_BI_STANDARD', 'FLOW_FREE', 'TEAMS_EXPLORATORY'].map((p) => productKey(names.get(productKey(p))!)),
);

/** The product's name as one table spells it: `SPE_E3` and "microsoft 365 e3" → "Microsoft 365 E3"; unknown ones as written. */
export function productName(written: string): string {
  const value = written.trim();
  return names.get(productKey(value)) ?? value;
}

/** The part number behind a product name, for messages (`SPE_E3`), or null. */
export function partNumberOf(name: string): string | null {
  const key = productKey(name);
  return microsoftSkus.find(([, n]) => productKey(n) === key)?.[0] ?? null;
}
