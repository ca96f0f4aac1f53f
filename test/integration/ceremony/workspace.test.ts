import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CeremonyState, ScriptSummary, ScriptView } from '../../../core/contract/ceremonyState.js';
import { BackendClient } from '../../../core/service/client.js';
import { shared } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

/** The workspace channels through the backend's worker thread, as the UI reaches them. */

test('the workspace, templates, triage and log channels, over the worker transport', async (t) => {
  const client = await BackendClient.start({ workspaceDir: tempDir(t, 'ksk-ws-'), mode: 'rehearsal', startAt: '2018-04-01T00:00:00Z' });
  t.after(() => client.close());
  const call = async <T>(channel: string, request: unknown): Promise<T> => {
    const envelope = await client.call(channel, request);
    assert.ok(envelope.ok, envelope.ok ? '' : `${channel}: ${envelope.error.message}`);
    return envelope.value as T;
  };

  const templates = await call<ScriptSummary[]>('templates.list', {});
  assert.equal(templates.length, 17);
  assert.deepEqual(
    templates.slice(0, 2).map((s) => s.id),
    ['ksr-signing', 'ksk-generation'],
  );
  const dr = await call<ScriptView>('templates.get', { id: 'dr-4.3.1A' });
  assert.equal(dr.procedure, '4.3.1A');
  assert.ok(dr.acts.flatMap((a) => a.steps).some((s) => s.action.kind === 'reconstruct-ksk' && s.action.evidence.includes('M of N')));

  const first = await call<{ question: { id: string } | null; result: null }>('triage.next', { answers: {} });
  assert.equal(first.question?.id, 'disaster');
  const timeAsked = await call<{ question: { id: string } | null }>('triage.next', { answers: { disaster: 'lost', rkshsAvailable: false } });
  assert.equal(timeAsked.question?.id, 'timeSufficient', 'without a current SKR, the wizard asks whether there is time to reschedule');
  const decided = await call<{ question: null; result: { procedure: string; branch: string }; deadline: null }>('triage.next', {
    answers: { disaster: 'lost', rkshsAvailable: false, timeSufficient: false, kmfAvailable: true, cosAvailable: false },
  });
  assert.equal(decided.result.procedure, '4.3.2A');
  assert.equal(decided.result.branch, 'cos-absent');
  assert.equal(decided.deadline, null, 'no current SKR, no countdown');

  const loaded = await call<{ currentSkr: { id: string; signingKeyTags: number[] }; deadline: { lastExpiration: string; state: string } }>(
    'workspace.loadCurrentSkr',
    {
      file: { path: shared('skr', 'skr-root-2018-q1-0-d_to_e.xml') },
    },
  );
  assert.deepEqual(loaded.currentSkr.signingKeyTags, [19036, 20326]);
  assert.equal(loaded.deadline.lastExpiration, '2018-04-12T00:00:00.000Z');
  const overview = await call<{ mode: string; currentSkr: { id: string }; deadline: { state: string }; ceremonies: { planned: unknown[] } }>(
    'workspace.overview',
    {},
  );
  assert.equal(overview.mode, 'rehearsal');
  assert.equal(overview.currentSkr.id, loaded.currentSkr.id);
  assert.equal(overview.deadline.state, 'insufficient');

  const answers = { disaster: 'lost', rkshsAvailable: false, kmfAvailable: true, cosAvailable: false };
  const fromDeadline = await call<{ question: null; result: { procedure: string; time: { source: string } } }>('triage.next', { answers });
  assert.equal(fromDeadline.result.time.source, 'deadline', 'with a current SKR the deadline answers the time');
  await assert.rejects(call('ceremony.create', { triage: { ...answers, timeSufficient: true } }), /contradicts the deadline of the current SKR/);
  const created = await call<CeremonyState>('ceremony.create', { triage: answers, site: 'KMF East' });
  assert.equal(created.status, 'planned');
  assert.equal(created.triage?.procedure, '4.3.2A');
  assert.equal(created.currentSkr?.id, loaded.currentSkr.id);
  assert.equal(created.hsms[0]?.binding?.tokenLabel, 'REHEARSAL HSM-NEW', 'the worker provisioned a rehearsal token for the HSM the script declares');
  const after = await call<{ ceremonies: { planned: { ceremonyId: string }[] } }>('workspace.overview', {});
  assert.deepEqual(
    after.ceremonies.planned.map((c) => c.ceremonyId),
    [created.ceremonyId],
  );

  const log = await call<{ events: { type: string; payload: Record<string, unknown> }[] }>('log.events', { ceremonyId: created.ceremonyId });
  assert.deepEqual(
    log.events.slice(0, 4).map((e) => e.type),
    ['ceremony.opened', 'artifact.stored', 'script.loaded', 'triage.recorded'],
  );
  assert.deepEqual(
    log.events[3]?.payload.answers,
    { disaster: 'lost', rkshsAvailable: 'no', timeSufficient: 'no', kmfAvailable: 'yes', cosAvailable: 'no' },
    'the time as the deadline answered it, recorded with the answers',
  );
  assert.deepEqual(
    log.events.filter((e) => e.type === 'deadline.assessed').map((e) => e.payload.state),
    ['insufficient'],
    'the deadline the ceremony was created on',
  );
  const verified = await call<{ ok: boolean; ceremonies: { ceremonyId: string; sealed: boolean }[] }>('log.verify', {});
  assert.equal(verified.ok, true);
  const unsealed = await client.call('log.verify', { requireSeal: true });
  assert.ok(unsealed.ok && !(unsealed.value as { ok: boolean }).ok, 'a ceremony not yet sealed fails a verification that requires seals');
  const script = await call<{ kind: string; base64: string }>('artifact.read', { ceremonyId: created.ceremonyId, sha256: created.script.sha256 });
  assert.equal(script.kind, 'script');
  assert.equal(JSON.parse(Buffer.from(script.base64, 'base64').toString()).id, 'dr-4.3.2A');

  const refused = await client.call('step.perform', {
    ceremonyId: created.ceremonyId,
    stepId: 'notify',
    performer: { name: 'Rob', role: 'RKOS' },
    input: { kind: 'teb-seal', bags: [{ serial: 'X' }] },
  });
  assert.ok(!refused.ok && refused.error.code === 'BAD_REQUEST');
});
