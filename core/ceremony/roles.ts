import type { Quorum, Role } from './script.js';

/**
 * The roles a script declares when it names none (ceremony.md and the seed's section 3). An operator
 * renames, adds or removes roles by declaring `roles` in their script; CA and IW are always required
 * because the engine relies on them: the CA performs, the IW initials and attests.
 */
export const requiredRoles = ['CA', 'IW'] as const;

export const standardRoles: readonly Role[] = [
  { id: 'CA', title: 'Ceremony Administrator', description: 'Runs the script at the keyboard and performs most steps.' },
  {
    id: 'IW',
    title: 'Internal Witness',
    description: 'Checks the script is followed, initials and times each step, records every exception, attests at the end.',
  },
  { id: 'SSC1', title: 'Safe Security Controller 1', description: 'Opens the credential safe.' },
  { id: 'SSC2', title: 'Safe Security Controller 2', description: 'Opens the equipment safe.' },
  { id: 'SA', title: 'System Administrator', description: 'Cameras, the facility log, the ceremony laptop and its operating-system media.' },
  { id: 'CO', title: 'Crypto Officer', description: 'Holds one of the credentials that activate an HSM.' },
  { id: 'RKSH', title: 'Recovery Key Share Holder', description: 'Holds one share of the key that recovers the KSK backup.' },
  { id: 'RZM', title: 'Root Zone Maintainer representative', description: 'Brings the KSR and the hash received out of band; takes the SKR.' },
  { id: 'RKOS', title: 'RZ KSK Operations Security', description: 'Identifies and resolves incidents and coordinates disaster recovery.' },
  { id: 'PMA', title: 'Policy Management Authority', description: 'Approves the disaster-recovery procedures and advises during them.' },
  { id: 'EXEC', title: 'ICANN and PTI executive management', description: 'Approves the plan for additional RRSIGs (4.1.3).' },
  { id: 'COMMS', title: 'ICANN communications team', description: 'Coordinates announcements to resolver operators and the public.' },
  { id: 'EW', title: 'External witness', description: 'A Trusted Community Representative or an auditor who observes the ceremony.' },
];

/** Root practice: 3 of 7 Crypto Officers per site activate an HSM; 5 of 7 RKSHs recover a backup. The DPS sets the operator's numbers. */
export const standardQuorums: Readonly<Record<string, Quorum>> = {
  co: { role: 'CO', m: 3, n: 7, title: 'Crypto Officers who activate an HSM' },
  rksh: { role: 'RKSH', m: 5, n: 7, title: 'Recovery Key Share Holders who recover a KSK backup' },
};
