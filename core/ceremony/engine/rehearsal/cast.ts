/**
 * The simulated participants of a rehearsal: one named person per role, seven Crypto Officers and
 * seven Recovery Key Share Holders. Their ids are fixed, so the same people come back to every
 * ceremony of a rehearsal workspace and hold the credentials they were given.
 */
export interface CastMember {
  personId: string;
  name: string;
  role: string;
}

const named: Record<string, string> = {
  CA: 'Ada Administrator',
  IW: 'Ines Witness',
  SA: 'Sam Sysadmin',
  SSC1: 'Sol Safe-One',
  SSC2: 'Sue Safe-Two',
  RZM: 'Rita Maintainer',
  RKOS: 'Rob Security',
  PMA: 'Pam Policy',
  EXEC: 'Eve Executive',
  COMMS: 'Cal Communications',
  EW: 'Ed External',
};

const officers = ['Carla', 'Chen', 'Chidi', 'Clara', 'Cyrus', 'Cosima', 'Conor'];
const holders = ['Rhea', 'Raj', 'Rosa', 'Ravi', 'Ruth', 'Remy', 'Rina'];

export function castFor(role: string): CastMember[] {
  if (role === 'CO') return officers.map((first, i) => ({ personId: `co-${i + 1}`, name: `${first} Officer ${i + 1}`, role }));
  if (role === 'RKSH') return holders.map((first, i) => ({ personId: `rksh-${i + 1}`, name: `${first} Shareholder ${i + 1}`, role }));
  return [{ personId: role.toLowerCase(), name: named[role] ?? `${role} Participant`, role }];
}
