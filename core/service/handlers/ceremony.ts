import type { ResponseOf } from '../../contract/api.js';
import type { ceremonyChannels } from '../../contract/channels/ceremony.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';

type CeremonyChannel = keyof typeof ceremonyChannels;
type CeremonyHandlers = { [C in CeremonyChannel]: Handler<C> };

/**
 * The ceremony channels are the engine's methods (core/ceremony/engine), one to one. The engine's
 * results carry plain JSON; dispatch validates every answer against the channel's schema.
 */
export function ceremonyHandlers(ctx: ServiceContext): CeremonyHandlers {
  const engine = () => ctx.engine();
  const answer = <C extends CeremonyChannel>(value: Promise<unknown>) => value as Promise<ResponseOf<C>>;
  return {
    'ceremony.list': () => engine().list(),
    'ceremony.create': (request) => engine().create(request),
    'ceremony.state': ({ ceremonyId }) => engine().state(ceremonyId),
    'ceremony.resume': ({ ceremonyId }) => answer<'ceremony.resume'>(engine().resume(ceremonyId)),
    'ceremony.signIn': (request) => answer<'ceremony.signIn'>(engine().signIn(request)),
    'ceremony.signOut': (request) => answer<'ceremony.signOut'>(engine().signOut(request)),
    'step.start': (request) => answer<'step.start'>(engine().start(request)),
    'step.prepare': (request) => answer<'step.prepare'>(engine().prepare(request)),
    'step.present': (request) => answer<'step.present'>(engine().present(request)),
    'step.perform': (request) => answer<'step.perform'>(engine().perform(request)),
    'step.confirm': (request) => answer<'step.confirm'>(engine().confirm(request)),
    'step.initial': (request) => answer<'step.initial'>(engine().initial(request)),
    'step.sheets': (request) => ({ sheets: engine().sheets(request) }),
    'step.sheetsHandedOver': (request) => answer<'step.sheetsHandedOver'>(engine().sheetsHandedOver(request)),
    'step.skip': (request) => answer<'step.skip'>(engine().skip(request)),
    'exception.record': (request) => answer<'exception.record'>(engine().recordException(request)),
    'exception.resolve': (request) => answer<'exception.resolve'>(engine().resolveException(request)),
    'attestation.prepare': (request) => engine().prepareAttestation(request),
    'attestation.sign': (request) => answer<'attestation.sign'>(engine().attest(request)),
    'attestation.decline': (request) => answer<'attestation.decline'>(engine().attest(request)),
    'ceremony.close': ({ ceremonyId, summary }) => answer<'ceremony.close'>(engine().close(ceremonyId, summary)),
  };
}
