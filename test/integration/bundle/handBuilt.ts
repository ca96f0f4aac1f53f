import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalScript } from '../../../core/ceremony/hash.js';
import { scriptFromValue } from '../../../core/ceremony/load.js';
import { scriptSteps, type Script, type Step } from '../../../core/ceremony/script.js';
import { loadTemplate } from '../../../core/ceremony/templates.js';
import type { Clock } from '../../../core/clock.js';
import { publicKeyRdataFromKeyObject } from '../../../core/dnssec/algorithms.js';
import { trustAnchorXml } from '../../../core/dnssec/trustAnchor.js';
import type { Role } from '../../../core/evidence/events.js';
import { softwareSealer } from '../../../core/evidence/seal.js';
import { openEvidenceStore, type EvidenceStore } from '../../../core/evidence/store.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { openWorkspace, type Workspace } from '../../../core/workspace/workspace.js';
import { signaturePng } from '../documents/rehearsal.js';
import { shared } from '../../helpers/paths.js';

/**
 * A workspace with two sealed rehearsal ceremonies, written through the evidence log's public API
 * by walking the shipped scripts step by step, as the engine does: KSK-R54, a KSK generation (the
 * KSK, its backup, the trust anchor, seven CO credentials and seven RKSH shares sealed in TEBs),
 * then KSK-R55, a quarterly KSR signing with the real 2018 Q1 KSR and the SKR IANA's signer makes
 * for it with that KSK, whose TEB checks match what KSK-R54 sealed. The clock steps 20 s per event.
 */

export const GENERATION_ID = 'KSK-R54';
export const SIGNING_ID = 'KSK-R55';
export const SITE = 'Culpeper, VA, USA (KMF East)';
export const KSK_LABEL = 'RSA1';

interface Person {
  id: string;
  name: string;
  roles: Role[];
}

const staff: Person[] = [
  { id: 'ada', name: 'Ada Administrator', roles: ['CA'] },
  { id: 'ivan', name: 'Ivan Witness', roles: ['IW'] },
  { id: 'sue', name: 'Sue Sysadmin', roles: ['SA'] },
  { id: 'sam', name: 'Sam Safe', roles: ['SSC'] },
  { id: 'sal', name: 'Sal Safe', roles: ['SSC'] },
];
const cos: Person[] = ['Carol', 'Chen', 'Cyrus', 'Cleo', 'Cora', 'Cruz', 'Cato'].map((first, i) => ({
  id: `co${i + 1}`,
  name: `${first} Officer`,
  roles: ['CO'],
}));
const rkshs: Person[] = ['Rosa', 'Ravi', 'Rene', 'Ruth', 'Rolf', 'Rhea', 'Ryan'].map((first, i) => ({
  id: `rksh${i + 1}`,
  name: `${first} Holder`,
  roles: ['RKSH'],
}));
const rzm: Person = { id: 'rita', name: 'Rita Maintainer', roles: ['RZM'] };

/** The KSK of the fixture: IANA's test key, whose SKR for the 2018 Q1 KSR is in the shared data. */
export function kskPublicKey(): { algorithm: number; publicKey: Buffer } {
  const key = createPublicKey(createPrivateKey(readFileSync(shared('keys', 'rsa-2048-1.pem'), 'utf8')));
  return publicKeyRdataFromKeyObject(key);
}

export const ksrFile = shared('ksr', 'ksr-root-2018-q1-0-d_to_e.xml');
export const skrFile = shared('golden', 'skr-ksr-root-2018-q1-0-d_to_e-signed-by-rsa-2048-1.xml');

/** A clock that moves on 20 s each time it is read, from wherever it is set. */
class SteppingClock implements Clock {
  private t = 0;
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  now(): Date {
    this.t += 20_000;
    return new Date(this.t);
  }
}

/** ksr-signing with `extra` more manual steps in an act before the closing (the benchmark's long ceremony). */
export function signingScript(extra = 0): Script {
  const template = loadTemplate('ksr-signing');
  if (extra === 0) return template;
  const acts = structuredClone(template.acts);
  const closing = acts.pop() as Script['acts'][number];
  const bulkNumber = acts.length + 1;
  acts.push({
    number: bulkNumber,
    title: 'Inventory of the equipment safe',
    phase: 'ceremony',
    steps: Array.from({ length: extra }, (_, i) => ({
      id: `inventory-${i + 1}`,
      number: `${bulkNumber}.${i + 1}`,
      roles: [i % 2 ? 'IW' : 'CA'],
      initial: true,
      text: `Item ${i + 1} of the inventory: the CA reads its serial number aloud and the IW compares it with the inventory before it goes back to the safe.`,
      action: { kind: 'manual', inputs: { record: 'serial number read' } },
    })),
  });
  acts.push({ ...closing, number: bulkNumber + 1, steps: closing.steps.map((s, i) => ({ ...s, number: `${bulkNumber + 1}.${i + 1}` })) });
  return scriptFromValue({
    ...template,
    id: 'ksr-signing-inventory',
    version: '1.1',
    basedOn: { id: template.id, version: template.version, sha256: sha256Hex(canonicalScript(template)) },
    acts,
  });
}

/** Stores a script in the ceremony's log as the engine does: its canonical JSON as an artifact, then script.loaded. */
export function loadScriptInto(store: EvidenceStore, ceremonyId: string, script: Script): void {
  const stored = store.storeArtifact(ceremonyId, {
    name: `${script.id}.json`,
    kind: 'script',
    mediaType: 'application/json',
    bytes: Buffer.from(canonicalScript(script), 'utf8'),
  });
  store.append(ceremonyId, 'script.loaded', { scriptId: script.id, title: script.title, version: script.version, sha256: stored.payload.sha256 });
}

/** Opens one more rehearsal KSR signing in the world's log, with its script loaded and nothing done yet. */
export function openSigningCeremony(store: EvidenceStore, ceremonyId: string): void {
  store.openCeremony(ceremonyId, { title: `Root KSK Ceremony ${ceremonyId.replace(/\D/g, '')} (rehearsal)`, kind: 'ksr-signing', site: SITE, rehearsal: true });
  loadScriptInto(store, ceremonyId, loadTemplate('ksr-signing'));
}

class Walker {
  private serial = 0;
  constructor(
    readonly store: EvidenceStore,
    readonly id: string,
    readonly present: Person[],
  ) {}

  signIn(): void {
    for (const p of this.present) this.store.append(this.id, 'participant.signed-in', { personId: p.id, name: p.name, roles: p.roles });
  }

  members(quorum: string): Person[] {
    return this.present.filter((p) => p.roles.includes(quorum === 'co' ? 'CO' : 'RKSH'));
  }

  purposes(custody: string, perMemberOf: string | undefined): string[] {
    return perMemberOf ? this.members(perMemberOf).map((p) => `${custody}:${p.id}`) : [custody];
  }

  newSerial(): string {
    return `BB${String(46327500 + this.serial++ + (this.id === SIGNING_ID ? 100 : 0))}`;
  }

  storeFile(stepId: string, name: string, kind: 'ksr' | 'skr' | 'trust-anchor' | 'backup', mediaType: string, bytes: Buffer): void {
    const stored = this.store.storeArtifact(this.id, { name, kind, mediaType, bytes, stepId });
    this.store.append(this.id, 'hash.shown', { stepId, subject: name, sha256: stored.payload.sha256 });
  }

  attest(person: Person, statement: string, picture = true): void {
    const headHashShown = this.store.head(this.id)?.hash as string;
    const role = person.roles[0] as Role;
    if (picture)
      this.store.attest(this.id, {
        personId: person.id,
        name: person.name,
        role,
        statement,
        headHashShown,
        signatureImage: { bytes: signaturePng(), mediaType: 'image/png' },
      });
    else
      this.store.declineAttestation(this.id, {
        personId: person.id,
        name: person.name,
        role,
        statement,
        headHashShown,
        reason: 'I left the room for five minutes during the activation of the HSM.',
      });
  }

  /** The evidence a step of each kind leaves, in the spirit of the engine's executors. */
  act(step: Step): void {
    const { store, id } = this;
    const stepId = step.id;
    const action = step.action;
    switch (action.kind) {
      case 'teb-check':
        for (const purpose of this.purposes(action.inputs.custody, action.inputs.perMemberOf)) {
          const expected = store
            .workspaceEvents(['teb.sealed'], { rehearsal: true })
            .filter((e) => e.payload.purpose === purpose)
            .at(-1);
          const { exception } = store.checkTeb(id, { purpose, serialRead: expected?.payload.serial ?? this.newSerial(), stepId });
          if (exception) {
            store.append(id, 'exception.resolved', {
              exceptionId: exception.payload.exceptionId,
              decision: 'The first ceremony with this app: the serial read is recorded as the custody record.',
              signedBy: ['ada', 'ivan'],
            });
          }
        }
        return;
      case 'teb-seal':
        for (const purpose of this.purposes(action.inputs.custody, action.inputs.perMemberOf)) {
          store.append(id, 'teb.sealed', { stepId, purpose, serial: this.newSerial(), contents: [action.inputs.contents] });
        }
        return;
      case 'hash-check': {
        const sha256 = sha256Hex(`${action.inputs.subject} of the rehearsal`);
        store.append(id, 'hash.shown', { stepId, subject: action.inputs.subject, sha256 });
        store.append(id, 'hash.matched', { stepId, subject: action.inputs.subject, sha256, form: 'words', readBy: 'ivan' });
        return;
      }
      case 'clock-check':
        store.append(id, 'note', {
          stepId,
          topic: 'clock-check',
          text: 'The app showed the same second as the UTC reference clock.',
          data: { skewSeconds: 0 },
        });
        return;
      case 'hsm-activate':
        store.append(id, 'hsm.identified', {
          stepId,
          hsmId: action.inputs.hsm,
          manufacturer: 'SoftHSM project',
          model: 'SoftHSM v2',
          serialNumber: '5c0ffee0a1b2c3d4',
          firmware: '2.6',
          tokenLabel: `REHEARSAL-${action.inputs.hsm}`,
        });
        for (const co of this.members(action.inputs.quorum).slice(0, 3))
          store.append(id, 'credential.presented', { stepId, credentialId: `co-card-${co.id}`, personId: co.id });
        return;
      case 'generate-ksk': {
        const { algorithm, publicKey } = kskPublicKey();
        store.append(id, 'hsm.intent', { opId: `${id}-generate`, operation: 'generate-ksk', stepId, hsmId: action.inputs.hsm, label: KSK_LABEL });
        store.append(id, 'hsm.done', { opId: `${id}-generate`, key: { label: KSK_LABEL, idHex: '01', algorithm, publicKey: publicKey.toString('base64') } });
        return;
      }
      case 'backup-ksk':
        store.append(id, 'quorum.defined', { set: 'rksh', threshold: 5, total: 7 });
        store.append(id, 'hsm.intent', { opId: `${id}-backup`, operation: 'backup', stepId, hsmId: action.inputs.hsm, label: KSK_LABEL });
        store.append(id, 'hsm.done', { opId: `${id}-backup` });
        this.storeFile(
          stepId,
          'ksk-backup-RSA1.json',
          'backup',
          'application/json',
          Buffer.from(`${JSON.stringify({ format: 'ksk-ceremony/key-backup/1', wrappedKey: sha256Hex('rehearsal') })}\n`),
        );
        for (const holder of this.members('rksh')) {
          store.append(id, 'credential.issued', {
            stepId,
            credentialId: `rksh-share-0011223344556677-${holder.id}`,
            kind: 'rksh-share',
            set: 'rksh',
            holderId: holder.id,
            holderName: holder.name,
          });
        }
        return;
      case 'publish-trust-anchor': {
        const { algorithm, publicKey } = kskPublicKey();
        const xml = trustAnchorXml(
          [{ id: KSK_LABEL, dnskey: { flags: 257, protocol: 3, algorithm, publicKey }, validFrom: Date.parse('2024-02-01T00:00:00Z') / 1000 }],
          { includePublicKey: false },
        );
        this.storeFile(stepId, 'root-anchors.xml', 'trust-anchor', 'application/xml', Buffer.from(xml, 'utf8'));
        return;
      }
      case 'sign-ksr': {
        const ksr = readFileSync(ksrFile);
        this.storeFile(stepId, 'ksr-root-2018-q1-0-d_to_e.xml', 'ksr', 'application/xml', ksr);
        store.append(id, 'hash.matched', { stepId, subject: 'KSR received out of band', sha256: sha256Hex(ksr), form: 'hex', readBy: rzm.id });
        store.append(id, 'hsm.intent', { opId: `${id}-sign`, operation: 'sign', stepId, hsmId: action.inputs.hsm, label: KSK_LABEL });
        store.append(id, 'hsm.done', { opId: `${id}-sign`, result: { signatures: 9 } });
        this.storeFile(stepId, 'skr-root-2018-q1-0-d_to_e.xml', 'skr', 'application/xml', readFileSync(skrFile));
        return;
      }
      case 'attestation':
        if (action.inputs.by === 'all-participants') this.present.forEach((p, i) => this.attest(p, action.inputs.statement, i !== 3));
        else
          for (const role of action.inputs.by)
            this.present.filter((p) => p.roles.includes(role as Role)).forEach((p) => this.attest(p, action.inputs.statement));
        return;
      case 'sign-out':
        for (const p of this.present.filter((p) => !['CA', 'IW'].some((r) => p.roles.includes(r as Role))))
          store.append(id, 'participant.signed-out', { personId: p.id });
        return;
      default:
        return;
    }
  }

  run(script: Script): void {
    const { store, id } = this;
    loadScriptInto(store, id, script);
    this.signIn();
    for (const { act, step } of scriptSteps(script)) {
      store.append(id, 'step.started', { stepId: step.id, act: act.title, title: step.number });
      this.act(step);
      const record = step.action.kind === 'manual' ? step.action.inputs.record : undefined;
      store.append(id, 'step.completed', { stepId: step.id, ...(record ? { result: `${record}: noted` } : {}) });
      if (step.initial) store.append(id, 'initials', { stepId: step.id, personId: 'ivan', role: 'IW' });
    }
  }
}

export interface HandBuiltWorld {
  workspace: Workspace;
  store: EvidenceStore;
  signingScript: Script;
}

/** Builds the two ceremonies in a new workspace at `root`; the store is left open (close it when done). */
export async function buildWorld(root: string, options: { extraSteps?: number } = {}): Promise<HandBuiltWorld> {
  const workspace = openWorkspace(root);
  const clock = new SteppingClock();
  const store = openEvidenceStore(workspace.database, clock);

  clock.set('2024-01-25T14:00:00.000Z');
  store.openCeremony(GENERATION_ID, { title: 'Root KSK Ceremony 54 (rehearsal)', kind: 'ksk-generation', site: SITE, rehearsal: true });
  const generation = new Walker(store, GENERATION_ID, [...staff, ...cos, ...rkshs]);
  store.append(GENERATION_ID, 'quorum.defined', { set: 'co', threshold: 3, total: 7 });
  for (const co of cos)
    store.append(GENERATION_ID, 'credential.issued', { credentialId: `co-card-${co.id}`, kind: 'co-card', set: 'co', holderId: co.id, holderName: co.name });
  generation.run(loadTemplate('ksk-generation'));
  await store.closeCeremony(GENERATION_ID, softwareSealer(), 'KSK RSA1 generated, backed up and published.');

  clock.set('2024-04-25T14:00:00.000Z');
  store.openCeremony(SIGNING_ID, { title: 'Root KSK Ceremony 55 (rehearsal)', kind: 'ksr-signing', site: SITE, rehearsal: true });
  const script = signingScript(options.extraSteps ?? 0);
  new Walker(store, SIGNING_ID, [...staff, ...cos.slice(0, 3), rzm]).run(script);
  await store.closeCeremony(SIGNING_ID, softwareSealer(), 'The 2018 Q1 KSR was signed.');
  return { workspace, store, signingScript: script };
}
