import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CurrentSkrView } from '../../contract/ceremonyState.js';
import { writeFileAtomic } from '../../dnssec/files.js';
import { parseSkr } from '../../dnssec/ksrParse.js';
import { isKsk, isRevoked, type Skr } from '../../dnssec/model.js';
import { isoTime } from '../../dnssec/time.js';
import { lastExpiration, verifySkr } from '../../dnssec/verify.js';
import { KskError, messageOf } from '../../errors.js';
import { describeHash } from '../../hash/match.js';
import { sha256 } from '../../hash/sha256.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * The SKR the RZM publishes now: its last RRSIG is the deadline every disaster shares. It is kept
 * in the workspace (current-skr.xml, and where it came from in current-skr.json), set by loading a
 * file or by a ceremony that signed a KSR; each ceremony records the one current when it opened.
 */

const metaSchema = z.object({ source: z.string(), loadedAt: z.string(), sha256: z.string() });

export interface CurrentSkr {
  skr: Skr;
  bytes: Buffer;
  view: CurrentSkrView;
}

function files(ws: Workspace): { xml: string; meta: string } {
  return { xml: path.join(ws.root, 'current-skr.xml'), meta: path.join(ws.root, 'current-skr.json') };
}

/** Reads and checks an SKR: it must parse and every signature must verify. */
export function examineSkr(bytes: Buffer, source: string, loadedAt: string): CurrentSkr {
  let skr: Skr;
  try {
    skr = parseSkr(bytes);
  } catch (e) {
    throw new KskError(e instanceof KskError ? e.code : 'BAD_INPUT_FILE', `${source}: ${messageOf(e)}`);
  }
  const verdict = verifySkr(skr);
  if (!verdict.ok) {
    const bad = verdict.bundles.find((b) => !b.ok);
    throw new KskError(
      'BAD_INPUT_FILE',
      `${source}: the SKR ${skr.id} does not verify (bundle ${(bad?.index ?? 0) + 1}: ${[...(bad?.problems ?? []), ...(bad?.signatures.filter((s) => !s.ok).map((s) => s.reason) ?? [])].join('; ')}).`,
    );
  }
  const tags = new Set<number>();
  for (const b of skr.bundles) {
    for (const s of b.signatures) {
      const key = b.keys.find((k) => k.keyIdentifier === s.keyIdentifier && k.keyTag === s.keyTag);
      if (key && isKsk(key) && !isRevoked(key)) tags.add(s.keyTag);
    }
  }
  const { hex, pgpWords } = describeHash(sha256(bytes));
  return {
    skr,
    bytes,
    view: {
      id: skr.id,
      rehearsal: skr.id.startsWith('rehearsal-'),
      bundles: skr.bundles.length,
      firstInception: isoTime(Math.min(...skr.bundles.map((b) => b.inception))),
      lastExpiration: lastExpiration(skr),
      signingKeyTags: [...tags].sort((a, b) => a - b),
      hash: { sha256: hex, pgpWords },
      loadedAt,
      source,
    },
  };
}

export function readCurrentSkr(ws: Workspace): CurrentSkr | null {
  const { xml, meta } = files(ws);
  if (!existsSync(xml) || !existsSync(meta)) return null;
  const bytes = readFileSync(xml);
  let info: z.infer<typeof metaSchema>;
  try {
    info = metaSchema.parse(JSON.parse(readFileSync(meta, 'utf8')));
  } catch (e) {
    throw new KskError('STORAGE_ERROR', `${meta} is damaged (${messageOf(e)}); load the current SKR again.`);
  }
  if (sha256(bytes).toString('hex') !== info.sha256)
    throw new KskError('STORAGE_ERROR', `${xml} is not the SKR recorded in ${meta}; load the current SKR again.`);
  return examineSkr(bytes, info.source, info.loadedAt);
}

/** Makes an SKR the workspace's current one (the XML first, then the record naming it: both atomic). */
export async function setCurrentSkr(ws: Workspace, current: CurrentSkr): Promise<void> {
  const { xml, meta } = files(ws);
  await writeFileAtomic(xml, current.bytes);
  await writeFileAtomic(
    meta,
    `${JSON.stringify({ source: current.view.source, loadedAt: current.view.loadedAt, sha256: current.view.hash.sha256 }, null, 2)}\n`,
  );
}
