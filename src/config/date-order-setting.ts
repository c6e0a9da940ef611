/**
 * How an import reads a day/month/year date such as `03/11/2025` (docs/IMPORTING.md, "Dates").
 * Apart from the config schema so that `moatmetrics import --help` can list the choices
 * without loading zod.
 */
export const dateOrderSettings = ['auto', 'mdy', 'dmy', 'ymd'] as const;
export type DateOrderSetting = (typeof dateOrderSettings)[number];
