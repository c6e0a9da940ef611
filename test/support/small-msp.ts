/**
 * Three clients and three time logs, as an MSP's export would have them (a quoted amount
 * with a thousands separator, a churned client, an empty rate, `yes` as billable). Shared
 * by the import, CLI, HTTP and backup tests.
 */
export function clientsCsvNamed(firstClientName: string): string {
  return [
    'client_id,client_name,industry,status,contract_value,onboarded_on,churned_on',
    `C1,${firstClientName},Retail,active,"1,200.00",2023-01-01,`,
    'C2,Beta Legal LLP,Legal,active,800,2023-02-01,',
    'C3,Cobalt Clinics,Healthcare,churned,450.50,2022-05-01,2025-03-31',
    '',
  ].join('\n');
}

export const clientsCsv = clientsCsvNamed('Acme Motors');

export const timeLogsCsv = [
  'log_id,client_id,staff_name,date,hours,rate,billable',
  'T1,C1,Ann Lee,2025-01-02,1.5,95,true',
  'T2,C2,Bob Ray,2025-01-03,2,95,false',
  'T3,C3,Ann Lee,2025-01-06,0.25,,yes',
  '',
].join('\n');
