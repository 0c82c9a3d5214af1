/**
 * A schedule's runs that did not go out as planned, in words: the ledger on the schedule's
 * page and the live log's `job.missed` lines say the same thing the same way.
 */
import type { RunAction, RunReason } from '../../api/types';
import { formatNumber } from '../../lib/locale';

/** Why, as the end of "missed …". */
export const REASON_WORDS: Record<RunReason, string> = {
  asleep: 'while the computer slept',
  closed: 'while Chime was closed',
  paused: 'while paused',
  quiet_hours: 'in quiet hours',
  overlap: 'while the previous run was still going',
  expired: 'after the schedule ended',
};

/** What was done, in the brackets after it. */
export const ACTION_WORDS: Record<RunAction, string> = {
  ran: 'ran late',
  merged: 'merged into one run',
  skipped: 'skipped',
  deferred: 'moved to a later time',
};

// a reason or action a newer engine added goes by its own name
const reasonWords = (reason: RunReason) => REASON_WORDS[reason] ?? reason.replace(/_/g, ' ');
const actionWords = (action: RunAction) => ACTION_WORDS[action] ?? action;

/** "47 runs missed while the computer slept (merged into one run)"; one run: "Missed while …". */
export function missedText(count: number, reason: RunReason, action: RunAction): string {
  const what = count === 1 ? 'Missed' : `${formatNumber(count)} runs missed`;
  return `${what} ${reasonWords(reason)} (${actionWords(action)})`;
}

/** A run that went out late, and why: "Ran late: due while Chime was closed". */
export function lateText(reason: RunReason): string {
  return `Ran late: due ${reasonWords(reason)}`;
}
