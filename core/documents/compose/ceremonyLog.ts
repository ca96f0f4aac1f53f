import { auditKeyFingerprint } from '../../evidence/auditKey.js';
import { scriptHash } from '../../ceremony/hash.js';
import { scriptSchema, type Script } from '../../ceremony/script.js';
import { isTemplateId, loadTemplate } from '../../ceremony/templates.js';
import { KskError } from '../../errors.js';
import type { CeremonySummary, EvidenceStore, SealRecord } from '../../evidence/store.js';
import type { StoredEvent } from '../../evidence/stored.js';
import type { CeremonyInfo } from '../types.js';

/**
 * One ceremony as the documents and the bundle read it from the evidence log: its opening, its
 * events, the script it followed (the bytes stored with it, checked against the hash the log
 * recorded), its seal and its head. Everything printed or exported derives from this.
 */
export interface CeremonyLog {
  readonly store: EvidenceStore;
  readonly summary: CeremonySummary;
  readonly opened: StoredEvent<'ceremony.opened'>;
  readonly events: readonly StoredEvent[];
  /** The script the ceremony followed, and the SHA-256 the log recorded for it. */
  readonly script: { readonly script: Script; readonly sha256: string } | null;
  readonly seal: SealRecord | null;
  /** The sealed head when sealed, otherwise the last event. */
  readonly head: { readonly seq: number; readonly hash: string };
}

export function readCeremonyLog(store: EvidenceStore, ceremonyId: string): CeremonyLog {
  const summary = store.ceremonies().find((c) => c.ceremonyId === ceremonyId);
  if (!summary) throw new KskError('NOT_FOUND', `No ceremony "${ceremonyId}" in the evidence log ${store.file}.`);
  const events = store.events(ceremonyId);
  const opened = events[0];
  if (opened?.type !== 'ceremony.opened')
    throw new KskError('TAMPERED', `The first event of ceremony ${ceremonyId} is not its opening. Run "ksk-ceremony log verify".`);
  const seal = store.seal(ceremonyId);
  const head = seal ? { seq: seal.statement.headSeq, hash: seal.statement.headHash } : { seq: summary.head.seq, hash: summary.head.hash };
  return { store, summary, opened, events, script: loggedScript(store, events), seal, head };
}

/**
 * The script the log says the ceremony loaded (the last script.loaded event): its stored bytes, or
 * else the shipped template of that id when its hash is the one recorded. A script whose bytes do
 * not hash to the recorded value is refused: printing it would misstate what the ceremony followed.
 */
function loggedScript(store: EvidenceStore, events: readonly StoredEvent[]): CeremonyLog['script'] {
  const loaded = events.filter((e): e is StoredEvent<'script.loaded'> => e.type === 'script.loaded').at(-1);
  if (!loaded) return null;
  const { sha256, scriptId } = loaded.payload;
  const stored = events.some((e) => e.type === 'artifact.stored' && e.payload.sha256 === sha256);
  let script: Script;
  if (stored) {
    const bytes = store.readArtifact(sha256);
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new KskError('BAD_INPUT_FILE', `The script stored for ceremony ${loaded.ceremonyId} (SHA-256 ${sha256}) is not JSON.`);
    }
    // The engine validated the script before loading it and the log holds its exact bytes (the hash
    // is checked below): reading its shape is enough, and cheap even for a script of hundreds of steps.
    const parsed = scriptSchema.safeParse(value);
    if (!parsed.success)
      throw new KskError(
        'BAD_INPUT_FILE',
        `The script stored for ceremony ${loaded.ceremonyId} (SHA-256 ${sha256}) is not a ceremony script: ${parsed.error.issues[0]?.message ?? 'malformed'}.`,
      );
    script = parsed.data;
  } else if (isTemplateId(scriptId)) {
    script = loadTemplate(scriptId);
  } else {
    throw new KskError(
      'NOT_FOUND',
      `Ceremony ${loaded.ceremonyId} loaded script "${scriptId}" (SHA-256 ${sha256}), but the log does not hold its text and no shipped template has that id.`,
    );
  }
  const actual = scriptHash(script);
  if (actual !== sha256) {
    throw new KskError(
      'CONFLICT',
      `The script "${scriptId}" at hand hashes to ${actual}, but ceremony ${loaded.ceremonyId} recorded ${sha256}: it is not the script the ceremony followed${stored ? '' : ' (the shipped template changed since)'}.`,
    );
  }
  return { script, sha256 };
}

/** The procedure as a reader names it: the script's title and, for a DR procedure, its section of the DR document. */
export function procedureName(script: Script | null, kind: string): string {
  if (!script) return kind;
  return script.seedReference ? `${script.title} (${script.seedReference})` : script.title;
}

/** What every document of this ceremony says about it. */
export function ceremonyInfoOf(log: CeremonyLog, paper?: CeremonyInfo['paper']): CeremonyInfo {
  const { payload, time } = log.opened;
  return {
    id: log.summary.ceremonyId,
    title: payload.title,
    site: payload.site ?? 'not recorded',
    date: time,
    procedure: procedureName(log.script?.script ?? null, payload.kind),
    mode: payload.rehearsal ? 'REHEARSAL' : 'PRODUCTION',
    ...(payload.auditKey ? { auditKeyFingerprint: auditKeyFingerprint(payload.auditKey).hex } : {}),
    ...(paper ? { paper } : {}),
  };
}

/** Events of some types, typed. */
export function eventsOf<T extends StoredEvent['type']>(log: Pick<CeremonyLog, 'events'>, ...types: T[]): StoredEvent<T>[] {
  return log.events.filter((e): e is StoredEvent<T> => (types as string[]).includes(e.type));
}
