import type { ImportPreset } from './import-preset.js';
import { firstPresent, haloBillable, haloHours } from './value-conventions.js';

const chargeHours = ['actionchargehours', 'chargehours', 'action_charge_hours', 'charge_hours', 'chargeable_hours'];
const nonChargeHours = ['actionnonchargehours', 'nonchargehours', 'action_non_charge_hours', 'non_charge_hours', 'non_chargeable_hours'];

/**
 * HaloPSA actions (the Actions report or the API's actions as CSV): `whe_` or `date`, `who`
 * or `agent`, `timetaken`, `actionchargehours`, `actionnonchargehours`, `actioncode` (the
 * charge rate; -1 means no charge), `client_name`, `faultid` (the ticket), `note`; or a report's
 * spaced column titles for them (`Ticket ID, Action Number, Who, When, Charge Hours, Non Charge Hours`).
 */
export const haloPsaTime: ImportPreset = {
  id: 'halopsa-time',
  name: 'HaloPSA actions',
  dataset: 'time_logs',
  // The SQL names (`whe_`, `actionchargehours`) and the spaced ones a report designer's column titles give them.
  identifyBy: [
    'whe',
    'whe_',
    'who',
    'timetaken',
    'actionchargehours',
    'actionnonchargehours',
    'actioncode',
    'faultid',
    'actionnumber',
    'who_agentid',
    'action_number',
    'time_taken',
    'charge_hours',
    'non_charge_hours',
    'action_charge_hours',
    'action_non_charge_hours',
    'action_code',
  ],
  minMatches: 2,
  fields: {
    log_id: {
      // An action is numbered within its ticket: the pair names it.
      inputs: [
        ['faultid', 'fault_id', 'ticket_id'],
        ['actionnumber', 'action_number', 'action_id', 'id'],
      ],
      derive: ([ticket = '', action = '']) => (ticket.trim() !== '' && action.trim() !== '' ? `${ticket.trim()}-${action.trim()}` : ''),
      minInputs: 2,
    },
    staff_name: {
      inputs: [
        ['who', 'agent', 'agent_name', 'who_name'],
        ['who_agentid', 'agent_id'],
      ],
      derive: firstPresent,
    },
    date: { headers: ['whe_', 'whe', 'date', 'when', 'actiondatecreated', 'action_date', 'datetime'] },
    hours: {
      inputs: [['timetaken', 'time_taken'], chargeHours, nonChargeHours],
      derive: haloHours,
    },
    billable: {
      inputs: [['actioncode', 'action_code', 'chargerate', 'charge_rate'], chargeHours, nonChargeHours],
      derive: haloBillable,
    },
    client_name: { headers: ['client_name', 'client', 'clientname', 'customer', 'site_client'] },
    ticket: { headers: ['faultid', 'fault_id', 'ticket_id', 'ticketid'] },
    work_type: { headers: ['outcome', 'actiontype', 'action_type', 'chargerate_name'] },
    notes: { headers: ['note', 'notes', 'note_html', 'emailbody'] },
  },
  required: ['staff_name', 'date', 'hours'],
};
