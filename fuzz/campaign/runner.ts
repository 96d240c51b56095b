/**
 * A campaign as a pipeline of named phases over one explicit state:
 * open (plan, lock, scratch, slots) -> run cycles -> record each outcome
 * (durably, before it is reported) -> summarize -> write outputs. It always
 * ends with a report, also when interrupted.
 */
import { prettyJson } from '../store/json-out.js';
import { writeOutputFile } from '../outputs/run-outputs.js';
import type { CampaignReport } from '../outputs/report.js';
import { runCycles } from './cycles.js';
import type { CampaignResult, FuzzSettings } from './settings.js';
import { closeCampaign, openCampaign, type CampaignState } from './state.js';
import { summarizeCampaign } from './summarize.js';

export { DEFAULT_GENERATOR, DEFAULT_REPLAYER, MAX_TIMER_MS, type CampaignResult, type FuzzSettings } from './settings.js';

export async function runCampaign(s: FuzzSettings): Promise<CampaignResult> {
  const state = openCampaign(s);
  try {
    await runCycles(state);
  } finally {
    await closeCampaign(state);
  }
  if (state.setupError !== undefined) throw state.setupError;
  const report = summarizeCampaign(state);
  return writeCampaignOutputs(state, report);
}

/** The write-outputs phase: the JSON report (the CLI writes the others from the result). */
function writeCampaignOutputs(state: CampaignState, report: CampaignReport): CampaignResult {
  const s = state.settings;
  const reportError = s.reportPath === undefined ? undefined : writeOutputFile('the report', s.reportPath, () => prettyJson(report), state.io);
  const result = { report, failures: state.store.added, interrupted: s.signal.aborted, unrecorded: state.counters.unrecorded };
  return reportError === undefined ? result : { ...result, reportError };
}
