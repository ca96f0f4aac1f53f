import type { DeadlineView } from '../../../core/contract/ceremonyState.js';
import { Countdown } from '../components/Countdown.js';
import { utc } from '../format.js';

const stateLabels: Record<DeadlineView['state'], string> = {
  sufficient: 'Sufficient time for an alternate date',
  insufficient: 'Not sufficient time for an alternate date',
  'past-due': 'The SKR is past due at the RZM',
  expired: 'The last RRSIG has expired',
};

/**
 * The countdown to the last RRSIG of the current SKR and what it means for the decisions. `recorded`:
 * the deadline as the log recorded it (a decision's, a closed ceremony's), shown as it stood then.
 */
export function DeadlinePanel({ deadline, large = false, recorded = false }: { deadline: DeadlineView; large?: boolean; recorded?: boolean }) {
  return (
    <div data-testid="deadline">
      <Countdown
        remainingMs={deadline.remainingMs}
        until={`the last RRSIG expires at ${utc(deadline.lastExpiration)}`}
        className={large ? 'countdown countdown-large' : 'countdown'}
        {...(recorded ? { asOf: utc(deadline.now) } : {})}
      />
      <p className={deadline.state === 'sufficient' ? 'badge badge-ok' : 'badge badge-error'} data-testid="deadline-state">
        {stateLabels[deadline.state]}
      </p>
      <p data-testid="deadline-consequence">{deadline.consequence}</p>
      <p className="muted">
        The SKR is due at the RZM by {utc(deadline.skrDue)} (publication margin {deadline.policy.publicationMargin}); a ceremony can still be convened until{' '}
        {utc(deadline.unavoidableAt)} (lead time {deadline.policy.leadTime}).
      </p>
    </div>
  );
}
