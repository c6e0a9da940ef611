import type { SeededRandom } from './seeded-random.js';

export const INDUSTRIES = [
  'Healthcare',
  'Legal',
  'Manufacturing',
  'Construction',
  'Accounting',
  'Non-profit',
  'Retail',
  'Education',
  'Logistics',
  'Real Estate',
] as const;

export type Industry = (typeof INDUSTRIES)[number];

// ASCII only, and no commas, so names never need CSV quoting in the benchmark files.
const SURNAMES = [
  'Abbott',
  'Alvarez',
  'Bennett',
  'Brennan',
  'Caldwell',
  'Castillo',
  'Chen',
  'Delgado',
  'Donovan',
  'Ellison',
  'Fairbanks',
  'Fischer',
  'Foster',
  'Gallagher',
  'Garrison',
  'Hadley',
  'Harper',
  'Hayes',
  'Holloway',
  'Ingram',
  'Iverson',
  'Jennings',
  'Kessler',
  'Kim',
  'Kowalski',
  'Lambert',
  'Langford',
  'Lindqvist',
  'Marsh',
  'Mendez',
  'Mercer',
  'Morrison',
  'Nakamura',
  'Norwood',
  'Novak',
  'Okafor',
  'Patel',
  'Porter',
  'Prescott',
  'Quinlan',
  'Ramsey',
  'Reed',
  'Reyes',
  'Russo',
  'Sato',
  'Shah',
  'Sterling',
  'Sullivan',
  'Thornton',
  'Tran',
  'Underwood',
  'Vance',
  'Vasquez',
  'Walsh',
  'Whitaker',
  'Yates',
  'Zimmerman',
  'Brooks',
  'Hughes',
  'Morales',
] as const;

const PLACES = [
  'Riverside',
  'Summit',
  'Lakeshore',
  'Cedar',
  'Granite',
  'Harbor',
  'Pinecrest',
  'Northgate',
  'Westfield',
  'Bayview',
  'Oakridge',
  'Maple',
  'Ironwood',
  'Silver Creek',
  'Red Rock',
  'Blue Ridge',
  'Meadowbrook',
  'Stonebridge',
  'Clearwater',
  'Highland',
  'Willow',
  'Eastport',
  'Copper',
  'Prairie',
  'Aspen',
  'Lakeview',
  'Brookside',
  'Fox Hollow',
  'Crestview',
  'Evergreen',
  'Pacific',
  'Keystone',
  'Liberty',
  'Heritage',
  'Frontier',
  'Pioneer',
  'Sunrise',
  'Canyon',
  'Tri-County',
  'Valley',
] as const;

const SAINTS = ['Mary', 'Joseph', 'Anne', 'Francis', 'Michael', 'Patrick', 'Catherine', 'Jude', 'Thomas', 'Luke'] as const;

const CITIES = [
  'Austin',
  'Boise',
  'Charlotte',
  'Columbus',
  'Denver',
  'Fresno',
  'Omaha',
  'Raleigh',
  'Reno',
  'Richmond',
  'Sacramento',
  'Spokane',
  'Tampa',
  'Tucson',
  'Tulsa',
  'Wichita',
] as const;

// {S} = surname, {T} = a second surname, {P} = place, {X} = saint.
const NAME_PATTERNS: Record<Industry, readonly string[]> = {
  Healthcare: [
    '{P} Family Medicine',
    '{P} Pediatrics',
    '{S} Dental Group',
    '{P} Physical Therapy',
    '{P} Orthopedic Associates',
    '{S} Eye Care',
    "{P} Women's Health",
    '{P} Urgent Care',
    '{S} & {T} Dermatology',
  ],
  Legal: ['{S} & {T} LLP', '{S} {T} Law Group', '{S} Legal PLLC', '{P} Law Partners', '{S} & Associates'],
  Manufacturing: [
    '{P} Precision Machining',
    '{S} Fabrication',
    '{P} Plastics',
    '{S} Tool & Die',
    '{P} Metalworks',
    '{P} Components Inc.',
    '{S} Manufacturing Co.',
  ],
  Construction: ['{S} Builders', '{P} Construction', '{S} & Sons Contracting', '{P} Roofing', '{P} Electric', '{S} Homes', '{P} Concrete'],
  Accounting: ['{S} & {T} CPAs', '{S} Tax & Advisory', '{P} Accounting Group', '{S} Bookkeeping', '{S} {T} & Co.'],
  'Non-profit': [
    '{P} Food Bank',
    '{P} Community Foundation',
    '{P} Youth Alliance',
    'Friends of the {P} Library',
    '{P} Habitat Partners',
    '{P} Animal Rescue',
    '{P} Arts Council',
  ],
  Retail: ['{P} Outfitters', "{S}'s Hardware", '{P} Home & Garden', '{P} Bike Co.', '{S} Jewelers', '{P} Pet Supply', '{P} Furniture Gallery'],
  Education: ['{P} Montessori School', '{P} Charter Academy', '{P} Learning Center', 'St. {X} School', '{P} Preparatory School', '{P} Early Learning'],
  Logistics: ['{P} Freight', '{S} Trucking', '{P} Logistics', '{P} Distribution', '{S} Moving & Storage', '{P} Cold Storage', '{P} Courier'],
  'Real Estate': ['{P} Realty', '{S} Property Management', '{P} Commercial Real Estate', '{S} Realty Group', '{P} Title & Escrow', '{P} Homes Realty'],
};

/**
 * Draws company names that are unique case-insensitively (client_name is a key). The
 * pools give a few thousand names per industry; past that, names get a branch city and
 * finally a number, so portfolios of any size stay unique.
 */
export function createCompanyNamer(rng: SeededRandom): (industry: Industry) => string {
  const taken = new Set<string>();
  const nextNumber = new Map<string, number>();
  return (industry) => {
    let name = '';
    for (let attempt = 0; attempt < 8; attempt++) {
      name = fillPattern(rng.pick(NAME_PATTERNS[industry]), rng);
      if (!taken.has(name.toLowerCase())) return remember(name);
    }
    const base = name;
    for (let attempt = 0; attempt < 4; attempt++) {
      name = `${base} (${rng.pick(CITIES)})`;
      if (!taken.has(name.toLowerCase())) return remember(name);
    }
    for (let n = nextNumber.get(base) ?? 2; ; n++) {
      name = `${base} ${n}`;
      if (!taken.has(name.toLowerCase())) {
        nextNumber.set(base, n + 1);
        return remember(name);
      }
    }
  };

  function remember(name: string): string {
    taken.add(name.toLowerCase());
    return name;
  }
}

function fillPattern(pattern: string, rng: SeededRandom): string {
  const surname = rng.pick(SURNAMES);
  let second: string = rng.pick(SURNAMES);
  if (second === surname) second = SURNAMES[(SURNAMES.indexOf(surname) + 7) % SURNAMES.length] ?? second;
  return pattern.replace('{S}', surname).replace('{T}', second).replace('{P}', rng.pick(PLACES)).replace('{X}', rng.pick(SAINTS));
}
