import type { ceremonyChannels } from '../../contract/channels/ceremony.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';
import { notYet } from './notYet.js';

type CeremonyHandlers = { [C in keyof typeof ceremonyChannels]: Handler<C> };

export function ceremonyHandlers(_ctx: ServiceContext): CeremonyHandlers {
  return {
    'ceremony.list': () => notYet('ceremony.list'),
    'ceremony.create': () => notYet('ceremony.create'),
    'ceremony.state': () => notYet('ceremony.state'),
    'ceremony.resume': () => notYet('ceremony.resume'),
    'ceremony.signIn': () => notYet('ceremony.signIn'),
    'ceremony.signOut': () => notYet('ceremony.signOut'),
    'step.start': () => notYet('step.start'),
    'step.prepare': () => notYet('step.prepare'),
    'step.present': () => notYet('step.present'),
    'step.perform': () => notYet('step.perform'),
    'step.confirm': () => notYet('step.confirm'),
    'step.initial': () => notYet('step.initial'),
    'step.skip': () => notYet('step.skip'),
    'exception.record': () => notYet('exception.record'),
    'exception.resolve': () => notYet('exception.resolve'),
    'attestation.prepare': () => notYet('attestation.prepare'),
    'attestation.sign': () => notYet('attestation.sign'),
    'attestation.decline': () => notYet('attestation.decline'),
    'ceremony.close': () => notYet('ceremony.close'),
  };
}
