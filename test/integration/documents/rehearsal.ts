import { deflateSync, crc32 } from 'node:zlib';
import type { RecordDocumentInput, ScriptDocumentInput, CeremonyInfo, RecordStep, ScriptAct } from '../../../core/documents/types.js';

/**
 * A rehearsal KSR-signing ceremony as part B will hand it to the renderers, with `extraSteps` more
 * steps in a long act (the benchmark's 300-step ceremony).
 */

const start = Date.parse('2024-04-25T14:00:00.000Z');
const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();

export const ceremony: CeremonyInfo = {
  id: 'KSK-R55',
  title: 'Root KSK Ceremony 55 (rehearsal)',
  site: 'Culpeper, VA, USA (KMF East)',
  date: at(0),
  procedure: 'Quarterly KSR signing (2024 Q3)',
  mode: 'REHEARSAL',
};

export const scriptHash = 'b4c0ffee'.repeat(8);
export const ksrHash = 'f1e2d3c4b5a69788'.repeat(4);
export const skrHash = '0123456789abcdef'.repeat(4);
export const logHeadHash = '9a7c3e1f5d2b4c6a'.repeat(4);

const baseActs: ScriptAct[] = [
  {
    number: '1',
    title: 'Start the ceremony',
    summary: 'Participants sign in, cameras start, the time is checked against UTC.',
    steps: [
      { number: '1.1', role: 'CA', activity: 'Confirm that every participant has signed in on the sign-in sheet.' },
      { number: '1.2', role: 'SA', activity: 'Start the cameras and confirm that each one records.' },
      { number: '1.3', role: 'IW', activity: 'Check the ceremony clock against a UTC reference; record the difference.' },
    ],
  },
  {
    number: '2',
    title: 'Retrieve the materials',
    steps: [
      {
        number: '2.1',
        role: 'SSC1',
        activity: 'Open safe 1 (credentials). Read the TEB serials aloud; the IW compares each with the serial recorded at the last ceremony.',
      },
      { number: '2.2', role: 'CO 1-3', activity: 'Hand over your smartcard in its TEB; read its serial aloud.' },
    ],
  },
  {
    number: '3',
    title: 'Sign the KSR',
    steps: [
      {
        number: '3.1',
        role: 'CA',
        activity: 'Show the SHA-256 of the KSR. The RZM representative reads the hash received out of band; confirm only if they match.',
        hashes: [{ label: 'KSR SHA-256 (as received out of band)', hex: ksrHash }],
      },
      { number: '3.2', role: 'CA', activity: 'Sign the KSR; show and record the SHA-256 of the SKR.' },
    ],
  },
];

export function scriptInput(extraSteps = 0): ScriptDocumentInput {
  const acts = [...baseActs];
  if (extraSteps > 0) acts.push(bulkAct(extraSteps));
  return {
    ceremony,
    scriptHash,
    scriptVersion: 'ksr-signing v3',
    participants: [{ role: 'CA', name: 'Ada Administrator' }, { role: 'IW', name: 'Ivan Witness' }, { role: 'SSC1', name: 'Sam Safe' }, { role: 'CO 1' }],
    acts,
    exceptionSheets: 2,
    attestations: [
      { role: 'IW', name: 'Ivan Witness', statement: 'I attest that the ceremony followed the script and that every exception was recorded.' },
      { role: 'SA', statement: 'I attest that the footage and logs of this ceremony are complete.' },
    ],
  };
}

function bulkAct(steps: number): ScriptAct {
  return {
    number: '9',
    title: 'Repeated checks',
    steps: Array.from({ length: steps }, (_, i) => ({
      number: `9.${i + 1}`,
      role: i % 2 ? 'IW' : 'CA',
      activity: `Check item ${i + 1}: read its serial aloud, compare it with the record and confirm that the two are the same before going on.`,
    })),
  };
}

export function recordInput(extraSteps = 0): RecordDocumentInput {
  let minute = 1;
  const acts = scriptInput(extraSteps).acts.map((act) => ({
    number: act.number,
    title: act.title,
    steps: act.steps.map((s): RecordStep => ({
      number: s.number,
      role: s.role,
      activity: s.activity,
      status: 'done',
      at: at(minute++ / 4),
      performer: s.role === 'IW' ? 'Ivan Witness' : 'Ada Administrator',
      initials: 'IW',
      ...(s.hashes ? { hashes: s.hashes } : {}),
    })),
  }));
  const firstAct = acts[0]!;
  firstAct.steps[2] = { ...firstAct.steps[2]!, note: 'Clock 2 s behind UTC.', exceptions: ['E1'] };
  return {
    ceremony,
    scriptHash,
    startedAt: at(0),
    endedAt: at(180),
    participants: [
      { role: 'CA', name: 'Ada Administrator', signedInAt: at(-10), signedOutAt: at(181) },
      { role: 'IW', name: 'Ivan Witness', signedInAt: at(-9), signedOutAt: at(182) },
    ],
    hsms: [{ label: 'HSM2', model: 'SoftHSM2 (rehearsal token)', serial: '5c0ffee0a1b2c3d4', firmware: '2.6' }],
    tebs: [
      { serial: 'BB46327561', contents: 'CO 1 smartcard', action: 'checked', at: at(20), by: 'Ivan Witness', step: '2.2', note: 'matches ceremony 54' },
      { serial: 'BB46327599', contents: 'CO 1 smartcard', action: 'sealed', at: at(170), by: 'Ivan Witness', step: '5.1' },
    ],
    acts,
    exceptions: [
      {
        number: 'E1',
        step: '1.3',
        at: at(5),
        expected: 'The ceremony clock within 1 s of UTC.',
        happened: 'The clock was 2 s behind.',
        decision: 'Continue; all times in the log are the clock’s.',
        signedBy: ['Ada Administrator', 'Ivan Witness'],
      },
    ],
    hashes: [
      { label: 'KSR SHA-256', hex: ksrHash },
      { label: 'SKR SHA-256', hex: skrHash },
    ],
    attestations: [
      {
        role: 'IW',
        name: 'Ivan Witness',
        statement: 'I attest that the ceremony followed the script and that every exception was recorded.',
        at: at(178),
        agreed: true,
        signaturePng: signaturePng(),
      },
      { role: 'SA', name: 'Sue Sysadmin', statement: 'Footage and logs are complete.', at: at(179), agreed: false, reason: 'camera 2 stopped for 40 s' },
    ],
    seal: { at: at(180), by: 'Ada Administrator', details: [{ label: 'Events', value: '412' }], hashes: [{ label: 'Seal hash', hex: logHeadHash }] },
    logHead: { hex: logHeadHash, sequence: 412 },
  };
}

/** A small PNG of a pen stroke: what the signature pad hands over. */
export function signaturePng(width = 160, height = 48): Buffer {
  const raw = Buffer.alloc((width + 1) * height, 255);
  for (let x = 0; x < width; x++) {
    const y = Math.round(height / 2 + Math.sin(x / 9) * (height / 3));
    for (const dy of [-1, 0, 1]) raw[(y + dy) * (width + 1) + 1 + x] = 0;
  }
  for (let row = 0; row < height; row++) raw[row * (width + 1)] = 0;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
