import type { z } from 'zod';
import { isChannel, type Channel, type ResponseOf, type ValidRequestOf } from '../contract/api.js';
import { channels } from '../contract/channels/index.js';
import type { Envelope } from '../contract/envelope.js';
import { isKskError, messageOf } from '../errors.js';

export type Handler<C extends Channel> = (request: ValidRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
export type Handlers = { [C in Channel]: Handler<C> };

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/**
 * The boundary: the request is validated before any handler sees it, the response is validated
 * before it leaves, and every outcome travels in an envelope. Only KskError messages are shown as
 * they are; anything else is an internal fault and is reported without its stack.
 */
export async function dispatch(handlers: Handlers, channel: unknown, rawRequest: unknown): Promise<Envelope<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no channel named ${JSON.stringify(channel)}.` } };
  }
  const spec = channels[channel];
  const request = spec.request.safeParse(rawRequest ?? {});
  if (!request.success) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: `Invalid request to ${channel}: ${describeIssues(request.error)}` } };
  }
  let value: unknown;
  try {
    const handler = handlers[channel] as (req: unknown) => unknown;
    value = await handler(request.data);
  } catch (e) {
    if (isKskError(e)) return { ok: false, error: { code: e.code, message: e.message } };
    return { ok: false, error: { code: 'INTERNAL', message: `Internal error in ${channel}: ${messageOf(e)}` } };
  }
  const response = spec.response.safeParse(value);
  if (!response.success) {
    return { ok: false, error: { code: 'INTERNAL', message: `The answer of ${channel} broke the contract: ${describeIssues(response.error)}` } };
  }
  return { ok: true, value: response.data };
}
