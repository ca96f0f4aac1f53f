import { z } from 'zod';

/**
 * The event stream from the privileged side: progress of long operations and state changes the UI
 * must follow (a projector view, a second window). Events carry no secrets.
 */
export const contractEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    operationId: z.string(),
    label: z.string(),
    /** 0..1, or null when the operation cannot tell how far it is (RSA key generation). */
    fraction: z.number().min(0).max(1).nullable(),
    done: z.boolean(),
  }),
  z.object({
    type: z.literal('state-changed'),
    /** What changed, so a view can decide whether to reload: 'ceremony', 'log', 'workspace', ... */
    topic: z.string(),
    id: z.string().optional(),
  }),
  z.object({
    type: z.literal('air-gap'),
    isolated: z.boolean(),
    warnings: z.array(z.string()),
  }),
]);
export type ContractEvent = z.infer<typeof contractEventSchema>;
