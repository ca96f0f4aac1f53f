import { KskError } from '../../errors.js';
import { shareHash, shareLines, type Share } from '../../hsm/shares.js';
import type { ShareSheetsInput } from '../types.js';
import { ceremonyInfoOf, eventsOf, type CeremonyLog } from './ceremonyLog.js';

const holderRoles = { pin: 'Crypto Officer (CO)', backup: 'Recovery Key Share Holder (RKSH)' } as const;
const credentialKinds = { pin: 'co-card', backup: 'rksh-share' } as const;

/**
 * One sheet per share, for its holder. The shares themselves are never in the log (only their
 * hashes are): the caller hands them over at the moment they are made, and they are printed
 * exactly as the HSM layer reads them back. Holders come from the log: the credential of the
 * share's kind issued in this ceremony whose id names the share's set and number ("rksh:<set>:3"),
 * or else the n-th issued for share n.
 */
export function shareSheetsInputOf(log: CeremonyLog, shares: readonly Share[], paper?: ShareSheetsInput['ceremony']['paper']): ShareSheetsInput {
  if (shares.length === 0) throw new KskError('BAD_REQUEST', 'No share was given to print.');
  const issued = eventsOf(log, 'credential.issued');
  return {
    ceremony: ceremonyInfoOf(log, paper),
    sheets: shares.map((share) => {
      const ofKind = issued.filter((e) => e.payload.kind === credentialKinds[share.kind]);
      const ofSet = ofKind.filter((e) => e.payload.credentialId.toLowerCase().includes(share.setId.toLowerCase()));
      const numbered = ofSet.find((e) => e.payload.credentialId.endsWith(`:${share.index}`));
      const holder = (numbered ?? (ofSet.length > 0 ? ofSet : ofKind)[share.index - 1])?.payload;
      const setName = share.setId.toUpperCase();
      return {
        holder: { name: holder?.holderName ?? `Holder ${share.index}`, role: holderRoles[share.kind] },
        secret: share.kind === 'pin' ? `The HSM PIN of commissioning ${setName}` : `The key-backup key of KSK backup ${setName}`,
        commissioningId: setName,
        shareNumber: share.index,
        threshold: share.threshold,
        total: share.total,
        shareText: shareLines(share).join('\n'),
        lines: shareLines(share),
        checksum: `SHA-256 ${shareHash(share)}`,
      };
    }),
  };
}
