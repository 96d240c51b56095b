/** The summarize phase: the campaign's report, from its state alone. */
import { showCommand } from '../plan/command.js';
import { runMeta } from '../outputs/meta.js';
import { REPORT_FORMAT, type CampaignReport } from '../outputs/report.js';
import { newCauseCount } from '../catalogue/catalogue.js';
import { elapsed, type CampaignState } from './state.js';

export function summarizeCampaign(state: CampaignState): CampaignReport {
  const s = state.settings;
  const { done, passed, events, unrecorded } = state.counters;
  const duration = elapsed(state);
  const divergences = state.divergences.entries();
  return {
    tool: 'replay-fuzz',
    format: REPORT_FORMAT,
    meta: runMeta(),
    config: reportConfig(state),
    argv: s.argv,
    started_at: state.startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    duration_s: duration,
    interrupted: s.signal.aborted,
    cycles: { planned: state.total, run: done, passed, failed: done - passed },
    ...(unrecorded > 0 ? { unrecorded_failures: unrecorded } : {}),
    events,
    events_per_second: duration > 0 ? events / duration : 0,
    cycles_per_second: duration > 0 ? done / duration : 0,
    failures: state.store.added,
    coverage: state.coverage.result(),
    // Under --model both, or whenever a finding was filed (an external checker's, an implementation's).
    ...(s.model === 'both' || divergences.length > 0 ? { divergences, new_causes: newCauseCount(divergences) } : {}),
  };
}

function reportConfig(state: CampaignState): CampaignReport['config'] {
  const s = state.settings;
  const { external, generator, replayer } = state.tools;
  return {
    profile: s.plan.profile,
    cycles: s.plan.cycles,
    campaign_seed: s.plan.campaignSeed,
    shard: `${s.plan.shard.index}/${s.plan.shard.count}`,
    seed: s.plan.fixedSeed ?? null,
    event_range: [s.plan.events.min, s.plan.events.max],
    jobs: s.jobs,
    require_image_invariant: s.requireInvariant,
    cross_validate: external ? showCommand(generator) : 'in-process (TS generator)',
    replayer: external ? showCommand(replayer) : `in-process (TS checker, model ${s.model}, ${s.mode})`,
    model: s.model,
    ...(s.impl === undefined ? {} : { implementation: showCommand(s.impl) }),
    compare: s.mode,
    timeout_s: s.timeoutMs > 0 ? s.timeoutMs / 1000 : null,
    minimize: s.minimize,
    stop_on_first_failure: s.stopOnFirstFailure,
  };
}
