import type { SeededRandom } from './seeded-random.js';

// ASCII only: the large-file generator counts bytes as string length.
const FIRST_NAMES = [
  'Aaron',
  'Adriana',
  'Alex',
  'Amara',
  'Ben',
  'Bianca',
  'Brandon',
  'Carla',
  'Chris',
  'Dana',
  'Daniel',
  'Deepa',
  'Diego',
  'Elena',
  'Eli',
  'Emily',
  'Farah',
  'Gabriel',
  'Grace',
  'Hannah',
  'Hector',
  'Ian',
  'Isabel',
  'Jamal',
  'Jasmine',
  'Jordan',
  'Julia',
  'Kai',
  'Karen',
  'Kevin',
  'Laura',
  'Leon',
  'Liam',
  'Maya',
  'Marcus',
  'Megan',
  'Miguel',
  'Nadia',
  'Nathan',
  'Nina',
  'Omar',
  'Olivia',
  'Owen',
  'Priya',
  'Quinn',
  'Rachel',
  'Rafael',
  'Ryan',
  'Samir',
  'Sara',
  'Sean',
  'Sofia',
  'Tariq',
  'Tessa',
  'Tom',
  'Uma',
  'Victor',
  'Wendy',
  'Yusuf',
  'Zoe',
] as const;

const LAST_NAMES = [
  'Adams',
  'Alvarez',
  'Baker',
  'Bennett',
  'Brooks',
  'Campbell',
  'Carter',
  'Chen',
  'Collins',
  'Cruz',
  'Davis',
  'Diaz',
  'Edwards',
  'Evans',
  'Fischer',
  'Foster',
  'Garcia',
  'Gupta',
  'Hall',
  'Hayes',
  'Hughes',
  'Ibrahim',
  'Jackson',
  'Jensen',
  'Khan',
  'Kim',
  'Kowalski',
  'Lee',
  'Lopez',
  'Martin',
  'Mendez',
  'Mitchell',
  'Moore',
  'Murphy',
  'Nguyen',
  'Novak',
  'Okafor',
  'Ortiz',
  'Park',
  'Patel',
  'Perez',
  'Price',
  'Reed',
  'Reyes',
  'Rivera',
  'Roberts',
  'Russo',
  'Sanders',
  'Schmidt',
  'Shah',
  'Silva',
  'Sullivan',
  'Tanaka',
  'Taylor',
  'Tran',
  'Walker',
  'Walsh',
  'Ward',
  'Wong',
  'Young',
] as const;

const MIDDLE_INITIALS = 'ABCDEFGHJKLMNPRSTW';

/**
 * Draws "First Last" names that are unique within one roster (staff_name is the staff key).
 * After a few collisions it adds a middle initial, then a number, so any roster size works.
 */
export function createPersonNamer(rng: SeededRandom): () => string {
  const taken = new Set<string>();
  return () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
      if (!taken.has(name)) return remember(name);
    }
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    for (const initial of MIDDLE_INITIALS) {
      const name = `${first} ${initial}. ${last}`;
      if (!taken.has(name)) return remember(name);
    }
    for (let n = 2; ; n++) {
      const name = `${first} ${last} ${n}`;
      if (!taken.has(name)) return remember(name);
    }
  };

  function remember(name: string): string {
    taken.add(name);
    return name;
  }
}
