import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RehearsalClock } from '../core/ceremony/engine/rehearsal/clock.js';
import { Rehearsal } from '../core/ceremony/engine/rehearsal/rehearse.js';
import { systemClock } from '../core/clock.js';
import { openEvidenceStore } from '../core/evidence/store.js';
import { Backend } from '../core/service/backend.js';

/**
 * What running a ceremony through the engine costs, against baselines measured in the same run:
 * - a whole rehearsed ceremony (the quarterly KSR signing, through the contract, on SoftHSM2) against
 *   appending the same number of events to a bare evidence log (each fsynced, as the engine's are);
 * - projecting a ceremony's state from its log against reading and checking its events alone.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'ksk-bench-ceremony-'));
try {
  const workspace = path.join(root, 'workspace');
  const clock = new RehearsalClock(new Date());
  const backend = new Backend({ workspaceDir: workspace, mode: 'rehearsal' }, { clock });
  const rehearsal = new Rehearsal({ api: (c, r) => backend.call(c, r), workspace, clock, hsms: backend.hsm });
  await rehearsal.ensureWorld();
  const started = performance.now();
  const { state } = await rehearsal.rehearse('ksr-signing');
  const ceremonyMs = performance.now() - started;
  const engine = backend.context.engine();
  const events = engine.events(state.ceremonyId).length;
  const steps = state.acts.flatMap((a) => a.steps).length;

  const bare = openEvidenceStore(path.join(root, 'bare.sqlite'), systemClock);
  bare.openCeremony('bare', { title: 'baseline', kind: 'bench', rehearsal: true });
  const appendStart = performance.now();
  for (let i = 1; i < events; i++) bare.append('bare', 'note', { text: `event ${i}`, topic: 'bench' });
  const appendMs = performance.now() - appendStart;
  bare.close();

  const store = engine.deps.store;
  const runs = 50;
  const readStart = performance.now();
  for (let i = 0; i < runs; i++) store.events(state.ceremonyId);
  const readMs = (performance.now() - readStart) / runs;
  engine.state(state.ceremonyId);
  const projectStart = performance.now();
  for (let i = 0; i < runs; i++) engine.state(state.ceremonyId);
  const projectMs = (performance.now() - projectStart) / runs;
  await backend.close();

  console.log(`KSR signing rehearsal: ${steps} steps, ${events} events, 9 HSM signatures, ${state.attestations.length} attestations`);
  console.log(`baseline  ${events} bare appends (synchronous=FULL, one transaction each)   ${appendMs.toFixed(0)} ms`);
  console.log(`ceremony  the whole ceremony through the contract                       ${ceremonyMs.toFixed(0)} ms  ${(ceremonyMs / appendMs).toFixed(1)}x the baseline, ${(ceremonyMs / steps).toFixed(0)} ms per step`);
  console.log(`baseline  read and check the ceremony's ${events} events                      ${readMs.toFixed(2)} ms`);
  console.log(`project   its state from the events already read                        ${projectMs.toFixed(2)} ms  ${(projectMs / readMs).toFixed(2)}x the baseline`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
