/**
 * The thirteen procedures of the Root Zone KSK Operator Disaster Recovery and Business Continuity
 * Procedure (revision 3.6, 12 October 2023), as the seed words them. Templates map their steps to
 * these by `seedStep` ("4.2.1A.4" is step 4 of 4.2.1 A); test/unit/ceremony/seed.test.ts checks every
 * heading and step here against the seed's own text, so nothing is paraphrased.
 */

export const disasters = ['signing', 'compromise', 'lost'] as const;
export type Disaster = (typeof disasters)[number];

export const drProcedureIds = [
  '4.1.1',
  '4.1.2A',
  '4.1.2B',
  '4.1.3',
  '4.2.1A',
  '4.2.1B',
  '4.2.2A',
  '4.2.2B',
  '4.3.1A',
  '4.3.1B',
  '4.3.1C',
  '4.3.2A',
  '4.3.2B',
] as const;
export type DrProcedureId = (typeof drProcedureIds)[number];

/** Which KSK signs the SKR the procedure produces (the last column of the decision table). */
export type SigningKey = 'existing' | 'reconstructed' | 'new' | 'temporary';

export interface DrProcedure {
  id: DrProcedureId;
  disaster: Disaster;
  /** The seed's section ("4.2.1") and variant letter ("A"), or null where the section has none. */
  section: string;
  variant: 'A' | 'B' | 'C' | null;
  /** The seed's headings for the disaster (4.x), the section (4.x.y) and the variant. */
  headings: { disaster: string; section: string; variant: string | null };
  signingKey: SigningKey;
  /** The numbered steps, verbatim (whitespace joined); step n is steps[n - 1]. */
  steps: readonly string[];
}

const disasterHeadings: Record<Disaster, { number: string; heading: string }> = {
  signing: { number: '4.1', heading: 'KSK Signing Disaster' },
  compromise: { number: '4.2', heading: 'KSK Compromise Disaster' },
  lost: { number: '4.3', heading: 'Lost KSK Disaster' },
};

const sectionHeadings: Record<string, string> = {
  '4.1.1': 'Key Management Facilities are unavailable',
  '4.1.2': 'Crypto Officers are unavailable',
  '4.1.3': 'High risk of prolonged unavailability of necessary personnel or facilities',
  '4.2.1': 'Crypto Officers are available to attend in person',
  '4.2.2': 'Crypto Officers are NOT available to attend in person',
  '4.3.1': 'Recovery Key Share Holders and Crypto Officers are available in person',
  '4.3.2': 'Recovery Key Share Holders are NOT available',
};

const variantHeadings: Partial<Record<DrProcedureId, string>> = {
  '4.1.2A': 'If at least one Key Management Facility is accessible',
  '4.1.2B': 'If no Key Management Facilities are accessible',
  '4.2.1A': 'At least one Key Management Facility is available',
  '4.2.1B': 'Key Management Facilities are NOT available',
  '4.2.2A': 'At least one Key Management Facility is available',
  '4.2.2B': 'Key Management Facilities are NOT available',
  '4.3.1A': 'At least one Key Management Facility is available and KSK backup is available',
  '4.3.1B': 'At least one Key Management Facility is available and KSK backup is NOT available',
  '4.3.1C': 'Key Management Facilities are NOT available (KSK backup is NOT available)',
  '4.3.2A': 'At least one Key Management Facility is available',
  '4.3.2B': 'Key Management Facilities are NOT available',
};

const signingKeys: Record<DrProcedureId, SigningKey> = {
  '4.1.1': 'temporary',
  '4.1.2A': 'existing',
  '4.1.2B': 'temporary',
  '4.1.3': 'existing',
  '4.2.1A': 'new',
  '4.2.1B': 'temporary',
  '4.2.2A': 'temporary',
  '4.2.2B': 'temporary',
  '4.3.1A': 'reconstructed',
  '4.3.1B': 'new',
  '4.3.1C': 'temporary',
  '4.3.2A': 'temporary',
  '4.3.2B': 'temporary',
};

const seedSteps: Record<DrProcedureId, readonly string[]> = {
  '4.1.1': [
    'Communicate to COs the impending requirement to perform a Key Ceremony.',
    'Film and create attestations for the event.',
    'Generate a temporary KSK in another HSM outside of the Key Management Facility. Use a KSK generation script as reference.',
    'Match the hashes, sign the Key Signing Request (KSR), and transmit the resultant SKR to the Root Zone Maintainer (RZM)',
    'Publish the new KSK trust anchor in the RZ KSK Operator’s repository and coordinate with ICANN’s communications team if necessary.',
    'Once at least one of the Key Management Facilities become available, schedule an extraordinary Key Ceremony to generate a new KSK and SKR, distribute credentials, then execute RFC 5011 KSK rollover if possible.',
  ],
  '4.1.2A': [
    'Communicate to COs the impending requirement to perform a Key Ceremony.',
    'Schedule an alternate date for the Key Ceremony if there is sufficient time before an RRSIG expiration, otherwise film and create attestations for the event and drill the safe deposit box if the materials are not accessible using physical keys. If time and circumstances permit, make arrangements with the COs to send their physical keys to the RZ KSK Operator in advance whilst preserving the chain of custody (such as with the use of tamper-evident packaging, couriers, and attestations).',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to RZM.',
    'Once the minimum amount of COs, as defined by the DPS, become available to attend in person, schedule an extraordinary Key Ceremony to sign a new KSR, distribute new keys for the safe deposit box, then transmit the resultant SKR to the RZM.',
  ],
  '4.1.2B': [
    'Communicate to COs the impending requirement to perform a key ceremony.',
    'Film and create attestations for the event.',
    'Generate a temporary KSK in another HSM outside of the Key Management Facility. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the new KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary.',
    'Once the Key Management Facility becomes available and the minimum amount of COs, as defined by the DPS, are available to attend in person, schedule an extraordinary Key Ceremony to generate a new KSK and SKR, distribute credentials, then execute RFC 5011 KSK rollover if possible.',
  ],
  '4.1.3': [
    'Make an assessment, using expert opinion where possible, of the duration of the likely impairment to normal KSK operations.',
    'Communicate with COs the requirement to generate additional RRSIGs to span an extended period of signing the root zone.',
    'Formulate a plan to determine how the additional RRSIGs should be generated and present the plan to ICANN and PTI executive management for approval, whilst notifying the PMA.',
    'Coordinate with RZM to generate additional KSRs to be signed at the next ceremony.',
    'Perform a key signing ceremony to generate the additional RRSIGs.',
    'Securely store additional RRSIGs until they are transmitted to RZM.',
    'Provide RRSIGs to RZM as they are needed in accordance with the KSK Operator’s DPS.',
  ],
  '4.2.1A': [
    'Communicate to COs the impending requirement to perform a Key Ceremony.',
    'Determine which algorithm and key length SHOULD be used.',
    'Film and create attestations for the event.',
    'Destroy the existing KSK if possible.',
    'Generate a new KSK in another HSM. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the new KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary.',
    'Replace and secure all compromised hardware as soon as possible.',
  ],
  '4.2.1B': [
    'Communicate to COs the impending requirement to perform a Key Ceremony.',
    'Film and create attestations for the event.',
    'Generate a temporary KSK in another HSM outside of the Key Management Facility. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the new KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary for broader announcement.',
    'Once the Key Management Facility becomes available, schedule an extraordinary Key Ceremony to replace all compromised HSMs, generate a new KSK and SKR, distribute credentials, then execute RFC 5011 KSK rollover if possible.',
  ],
  '4.2.2A': [
    'Communicate to COs the impending requirement to perform a Key Ceremony.',
    'Schedule an alternate date for the Key Ceremony if there is sufficient time before RRSIG expiration, otherwise film and create attestations for the event and drill the safe deposit box if the materials are not accessible using physical keys.',
    'Destroy the existing KSK if possible.',
    'Generate a temporary KSK in a new HSM. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the new KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary for broader announcement.',
    'Schedule an extraordinary Key Ceremony to replace all compromised HSMs, generate a new KSK and SKR, distribute credentials, then execute RFC 5011 KSK rollover if possible.',
  ],
  '4.2.2B': [
    'Communicate to COs the impending requirement to perform a Key Ceremony.',
    'Film and create attestations for the event.',
    'Generate a temporary KSK in another HSM outside of the Key Management Facility. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the new KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary.',
    'Once the Key Management Facility becomes available, and the minimum amount of COs, as defined by the DPS, are available to attend in person, schedule an extraordinary Key Ceremony to generate a new KSK and SKR, distribute credentials, then execute RFC 5011 KSK rollover if possible.',
  ],
  '4.3.1A': [
    'Communicate to COs and Recovery Key Share Holders (RKSHs) the impending requirement to perform a Key Ceremony.',
    'Film and create attestations for the event.',
    'Reconstruct the existing KSK in another HSM using encrypted backup and RKSH credentials.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
  ],
  '4.3.1B': [
    'Communicate to COs and RKSHs the impending requirement to perform a Key Ceremony.',
    'Film and create attestations for the event.',
    'Generate a new KSK in a new HSM. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the new KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary.',
  ],
  '4.3.1C': [
    'Communicate to COs and RKSHs the impending requirement to perform a Key Ceremony.',
    'Film and create attestations for the event.',
    'Generate a temporary KSK in another HSM outside of the Key Management Facility. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the temporary KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary for broader announcement.',
    'Once the Key Management Facility becomes available, schedule an extraordinary Key Ceremony to generate a new KSK and SKR, distribute credentials, then execute RFC 5011 KSK rollover if possible.',
  ],
  '4.3.2A': [
    'Communicate to all COs and RKSHs the impending requirement to perform a Key Ceremony.',
    'Film and create attestations for the event.',
    'Generate a temporary KSK in a new HSM. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the temporary KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary.',
    'Once all RKSH becomes available, schedule an extraordinary Key Ceremony to distribute appropriate credentials.',
  ],
  '4.3.2B': [
    'Communicate to COs the impending requirement to perform a Key Ceremony.',
    'Film and create attestations for the event.',
    'Generate a temporary KSK in another HSM outside of the Key Management Facility. Use a KSK generation script as reference.',
    'Match the hashes, sign the KSR, and transmit the resultant SKR to the RZM.',
    'Publish the new KSK trust anchor in the RZ KSK Operator’s repository. Coordinate with ICANN’s communications team if necessary.',
    'Once a Key Management Facility becomes available, schedule an extraordinary Key Ceremony to generate a new KSK and SKR, distribute credentials, then execute RFC 5011 KSK rollover if possible.',
  ],
};

const disasterOfSection: Record<string, Disaster> = { '4.1': 'signing', '4.2': 'compromise', '4.3': 'lost' };

function procedure(id: DrProcedureId): DrProcedure {
  const section = id.replace(/[ABC]$/, '');
  const variant = id.length > section.length ? (id.slice(-1) as 'A' | 'B' | 'C') : null;
  const disaster = disasterOfSection[section.slice(0, 3)] as Disaster;
  return {
    id,
    disaster,
    section,
    variant,
    headings: { disaster: disasterHeadings[disaster].heading, section: sectionHeadings[section] as string, variant: variantHeadings[id] ?? null },
    signingKey: signingKeys[id],
    steps: seedSteps[id],
  };
}

export const drProcedures: Readonly<Record<DrProcedureId, DrProcedure>> = Object.fromEntries(drProcedureIds.map((id) => [id, procedure(id)])) as Record<
  DrProcedureId,
  DrProcedure
>;

export function isDrProcedureId(value: string): value is DrProcedureId {
  return (drProcedureIds as readonly string[]).includes(value);
}

/** "DR 4.2.1 A", as operators say it. */
export function procedureLabel(id: DrProcedureId): string {
  const { section, variant } = drProcedures[id];
  return `DR ${section}${variant ? ` ${variant}` : ''}`;
}

/** The seed's headings of a procedure joined into one line, e.g. "KSK Compromise Disaster / ... / ...". */
export function procedureTitle(id: DrProcedureId): string {
  const { headings } = drProcedures[id];
  return [headings.disaster, headings.section, headings.variant].filter((h) => h !== null).join(' / ');
}

export function disasterHeading(disaster: Disaster): { number: string; heading: string } {
  return disasterHeadings[disaster];
}

/** A step reference such as "4.2.1A.4": the procedure and the 1-based step number, or null. */
export function parseSeedStep(ref: string): { procedure: DrProcedureId; number: number } | null {
  const match = /^(4\.[1-3]\.[1-3][ABC]?)\.([1-9][0-9]?)$/.exec(ref);
  if (!match || !isDrProcedureId(match[1] as string)) return null;
  const procedure = match[1] as DrProcedureId;
  const number = Number(match[2]);
  return number <= drProcedures[procedure].steps.length ? { procedure, number } : null;
}

export function seedStepRef(procedure: DrProcedureId, number: number): string {
  return `${procedure}.${number}`;
}
