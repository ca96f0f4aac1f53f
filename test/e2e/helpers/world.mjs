// Builds the world a disaster-recovery rehearsal starts from, with the engine's own code and in
// the same way `ksk-ceremony rehearse` does before it runs a DR procedure (Rehearsal.ensureWorld:
// a KSK generation that commissions HSM1 and backs the key up, a quarterly KSR signing that makes
// the current SKR), then moves the rehearsal clock to five days before the next quarter and has the
// stand-in RZM bring the next KSR. The UI runs the DR ceremony itself. Run in its own process, so
// its SoftHSM2 configuration never meets the browser host's. Prints {time, ksr} as JSON.
import { readCurrentSkr } from '../../../dist/core/ceremony/engine/currentSkr.js';
import { RehearsalClock } from '../../../dist/core/ceremony/engine/rehearsal/clock.js';
import { deadlineStatus } from '../../../dist/core/ceremony/deadline.js';
import { Rehearsal } from '../../../dist/core/ceremony/engine/rehearsal/rehearse.js';
import { nextQuarter, parseQuarter, quarterStart } from '../../../dist/core/dnssec/quarter.js';
import { Backend } from '../../../dist/core/service/backend.js';
import { workspaceAt } from '../../../dist/core/workspace/workspace.js';

const DAY = 86_400_000;
const [workspace, time = 'insufficient'] = process.argv.slice(2);
const clock = new RehearsalClock(new Date());
const backend = new Backend({ workspaceDir: workspace, mode: 'rehearsal' }, { clock });
try {
  const rehearsal = new Rehearsal({ api: (channel, request) => backend.call(channel, request), workspace, clock, hsms: backend.hsm });
  await rehearsal.ensureWorld();
  const next = nextQuarter(parseQuarter(rehearsal.world.state.quarter));
  if (time === 'sufficient') {
    const current = readCurrentSkr(workspaceAt(workspace));
    clock.advanceTo(new Date(Date.parse(deadlineStatus(new Date(current.view.lastExpiration), clock.now()).unavoidableAt) - 7 * DAY));
  } else {
    clock.advanceTo(new Date(quarterStart(next) * 1000 - 5 * DAY));
  }
  const { file } = await rehearsal.makeKsr(next, readCurrentSkr(workspaceAt(workspace))?.skr);
  rehearsal.world.setTime(clock.now());
  await rehearsal.world.save();
  process.stdout.write(JSON.stringify({ time: clock.now().toISOString(), ksr: file }));
} finally {
  await backend.close();
}
