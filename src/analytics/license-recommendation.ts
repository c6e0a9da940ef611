import { countOf, displayFormat } from '../present/display-format.js';

/**
 * A concrete action for one client's product: reclaim unused seats down to the seats in
 * use plus a headroom (so a new hire does not wait for a purchase), or fix over-assigned
 * seats (a compliance risk). Pure: inputs are the metric layer's numbers.
 */
export interface SeatPosition {
  clientName: string;
  product: string;
  seatsPurchased: number;
  seatsUsed: number;
  /** Monthly cost of one seat (dollars). */
  costPerSeat: number | null;
}

export interface LicenseRecommendation {
  action: 'reduce' | 'true_up' | 'none';
  recommendedSeats: number;
  monthlySavings: number;
  text: string;
}

/** `money` writes the saving in the text (default: US dollars; the analysis passes the configured currency). */
export function recommendSeats(position: SeatPosition, headroomPct: number, money: (value: number) => string = displayFormat().money): LicenseRecommendation {
  const { clientName, product, seatsPurchased, seatsUsed, costPerSeat } = position;
  if (seatsUsed > seatsPurchased) {
    const missing = seatsUsed - seatsPurchased;
    return {
      action: 'true_up',
      recommendedSeats: seatsUsed,
      monthlySavings: 0,
      text: `${product} for ${clientName}: ${countOf(seatsUsed, 'seat')} in use but only ${seatsPurchased} purchased — buy ${missing} more or remove ${countOf(missing, 'user')} (compliance risk)`,
    };
  }
  const recommended = Math.min(seatsPurchased, Math.ceil(seatsUsed * (1 + headroomPct / 100)));
  if (recommended >= seatsPurchased || seatsPurchased === 0) {
    return { action: 'none', recommendedSeats: seatsPurchased, monthlySavings: 0, text: `${product} for ${clientName}: seat count fits use` };
  }
  const savings = costPerSeat === null ? 0 : Math.round((seatsPurchased - recommended) * costPerSeat * 100) / 100;
  const saves = costPerSeat === null ? '' : `: saves ${money(savings)}/month`;
  return {
    action: 'reduce',
    recommendedSeats: recommended,
    monthlySavings: savings,
    text: `reduce ${product} for ${clientName} from ${seatsPurchased} to ${countOf(recommended, 'seat')}${saves}`,
  };
}
