import { z } from 'zod';
import { channel } from '../channel.js';
import { isoTimeSchema, sha256HexSchema } from '../ceremonyState.js';

/**
 * Reading the evidence log: a ceremony's events (filterable), its verification, and the bytes of
 * what it stored. Nothing here writes.
 */

const logEventSchema = z.object({
  seq: z.number().int(),
  time: isoTimeSchema,
  type: z.string(),
  /** The validated payload as recorded (core/evidence/events.ts). */
  payload: z.record(z.string(), z.json()),
  prevHash: sha256HexSchema,
  hash: sha256HexSchema,
});
export type LogEventView = z.infer<typeof logEventSchema>;

const verifySchema = z.object({
  ok: z.boolean(),
  events: z.number().int(),
  message: z.string(),
  firstBadCeremonyId: z.string().nullable(),
  firstBadSeq: z.number().int().nullable(),
  problems: z.array(z.object({ check: z.string(), ceremonyId: z.string().nullable(), seq: z.number().int().nullable(), message: z.string() })),
  ceremonies: z.array(z.object({ ceremonyId: z.string(), events: z.number().int(), headHash: z.string().nullable(), sealed: z.boolean() })),
});
export type LogVerifyView = z.infer<typeof verifySchema>;

export const logChannels = {
  /** Events of one ceremony in order; types filters by event type, afterSeq and limit page through. */
  'log.events': channel(
    z.strictObject({
      ceremonyId: z.string().min(1),
      types: z.array(z.string()).optional(),
      afterSeq: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10000).default(1000),
    }),
    z.object({ events: z.array(logEventSchema), head: z.object({ seq: z.number().int(), hash: sha256HexSchema }).nullable() }),
  ),
  /** Verifies the workspace's whole evidence log (every chain, artifact and seal), read-only. */
  'log.verify': channel(z.strictObject({ requireSeal: z.boolean().default(false) }), verifySchema),
  /** The bytes of an artifact a ceremony stored (SKR, trust anchor, signature picture ...), checked against their hash. */
  'artifact.read': channel(
    z.strictObject({ ceremonyId: z.string().min(1), sha256: sha256HexSchema }),
    z.object({ name: z.string(), kind: z.string(), mediaType: z.string(), size: z.number().int(), base64: z.string() }),
  ),
};
