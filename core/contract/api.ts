import type { z } from 'zod';
import { channels } from './channels/index.js';
import type { Envelope } from './envelope.js';
import type { ContractEvent } from './events.js';

export type Channels = typeof channels;
export type Channel = keyof Channels;
/** What a caller sends (before schema defaults are applied). */
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
/** What a handler receives (after validation). */
export type ValidRequestOf<C extends Channel> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Channels[C]['response']>;

export const channelNames = Object.keys(channels) as Channel[];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

/** The UI's whole view of the privileged side, whatever transport carries it. */
export interface KskApi {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>;
  onEvent(listener: (event: ContractEvent) => void): () => void;
}
