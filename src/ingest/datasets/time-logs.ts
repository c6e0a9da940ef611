import { billableFlag, money, optionalText, requiredDate, requiredText, workHours } from '../field-types.js';
import { clientReferenceFields, type DatasetDefinition } from './dataset-definition.js';
import { staffKey } from './staff.js';

export const timeLogsDataset: DatasetDefinition = {
  name: 'time_logs',
  keyColumn: 'log_id',
  columns: ['log_id', 'client_id', 'staff_key', 'staff_name', 'work_date', 'hours_milli', 'rate_cents', 'billable', 'ticket', 'work_type', 'notes'],
  referencesClient: true,
  fields: {
    log_id: { aliases: ['id', 'entry_id', 'time_entry_id', 'time_id', 'timeentry_id', 'log'], schema: optionalText },
    ...clientReferenceFields,
    staff_name: {
      aliases: ['staff', 'technician', 'member', 'resource', 'employee', 'resource_name', 'member_name', 'technician_name', 'agent', 'user'],
      schema: requiredText,
      requiredColumn: true,
    },
    date: {
      aliases: ['work_date', 'date_worked', 'entry_date', 'date_start', 'time_start', 'start_date', 'log_date'],
      schema: requiredDate,
      requiredColumn: true,
    },
    hours: {
      aliases: ['hours_worked', 'actual_hours', 'duration_hours', 'hours_actual', 'time_hours', 'worked_hours', 'billable_hours_worked'],
      schema: workHours,
      requiredColumn: true,
    },
    rate: { aliases: ['billing_rate', 'hourly_rate', 'bill_rate', 'rate_per_hour'], schema: money({ required: false, min: 0 }) },
    billable: { aliases: ['is_billable', 'billable_flag', 'billable_option', 'billing'], schema: billableFlag({ inverted: false, fallback: true }) },
    // Autotask exports the opposite flag.
    is_non_billable: { aliases: ['isnonbillable', 'non_billable', 'nonbillable'], schema: billableFlag({ inverted: true, fallback: true }) },
    ticket: { aliases: ['ticket_id', 'ticket_number', 'ticket_no', 'charge_to', 'task_id'], schema: optionalText },
    work_type: { aliases: ['type', 'work_type_name', 'project_name', 'category', 'work_role'], schema: optionalText },
    notes: { aliases: ['description', 'task_description', 'summary', 'note', 'comments', 'summary_notes'], schema: optionalText },
  },
  build(cells) {
    const staffName = cells.staff_name as string;
    const billable = (cells.billable as number | undefined) ?? (cells.is_non_billable as number | undefined) ?? 1;
    return {
      key: (cells.log_id as string | null | undefined) ?? null,
      values: {
        log_id: cells.log_id ?? null,
        client_id: cells.client_id,
        staff_key: staffKey(staffName),
        staff_name: staffName,
        work_date: cells.date,
        hours_milli: cells.hours,
        rate_cents: cells.rate ?? null,
        billable,
        ticket: cells.ticket ?? null,
        work_type: cells.work_type ?? null,
        notes: cells.notes ?? null,
      },
    };
  },
};
