import type { Channel, RequestOf, ResponseOf } from '../../../contract/api.js';
import type { Envelope } from '../../../contract/envelope.js';
import { KskError } from '../../../errors.js';

/** Anything that answers contract calls: the backend in process, the worker client, the UI's transport. */
export type ContractCall = (channel: string, request: unknown) => Promise<Envelope<unknown>>;

/** One call through the contract, its error envelope turned back into a KskError. */
export async function call<C extends Channel>(api: ContractCall, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const envelope = await api(channel, request);
  if (!envelope.ok) throw new KskError(envelope.error.code, `${channel}: ${envelope.error.message}`);
  return envelope.value as ResponseOf<C>;
}
