import type { ReactNode } from 'react';
import { Link } from '@tanstack/react-router';
import type { EventOf } from '../../api/events';
import type { AlertChannel } from '../../api/types';
import { formatNumber } from '../../lib/locale';
import { formatAbsolute, formatShort } from '../../lib/time';
import { useDisplayZone } from '../settings/useSettings';
import { ChangeList } from './ChangeList';
import './checks.css';

export type AlertEventKind = 'job.changed' | 'schedule.failing' | 'schedule.recovered';
export const ALERT_EVENTS: readonly AlertEventKind[] = ['schedule.failing', 'schedule.recovered', 'job.changed'];

const ALERT_LABEL: Record<AlertEventKind, string> = {
  'schedule.failing': 'Schedule failing',
  'schedule.recovered': 'Schedule recovered',
  'job.changed': 'Response changed',
};

const CHANNEL_WORDS: Record<AlertChannel, string> = { desktop: 'a desktop notification', webhook: 'the webhook' };

/** "a desktop notification and the webhook", or "no one (no channel)". */
export function channelsWords(channels: readonly AlertChannel[]): string {
  if (channels.length === 0) return 'no one (no channel)';
  return channels.map((c) => CHANNEL_WORDS[c] ?? c).join(' and ');
}

const runs = (n: number) => `${formatNumber(n)} failed ${n === 1 ? 'run' : 'runs'} in a row`;

/**
 * An alert as words: a schedule failing (how often, the last failure), working again (since
 * when it failed), or a response that changed (the differences, path by path, and the run it
 * was compared with). What the notification said comes first.
 */
export function AlertEvent({ event }: { event: EventOf<AlertEventKind> }) {
  const zone = useDisplayZone() ?? undefined;
  const facts: Array<[string, ReactNode]> = [];
  let body = null;
  if (event.event === 'schedule.failing') {
    const p = event.payload;
    facts.push(['Failed', runs(p.failures)], ['Last failure', p.last_failure]);
  } else if (event.event === 'schedule.recovered') {
    const p = event.payload;
    facts.push(
      ['Failing since', <time key="t" dateTime={p.failing_since} title={formatAbsolute(p.failing_since, zone)}>{formatShort(p.failing_since, zone)}</time>],
      ['Before this run', runs(p.failures)],
    );
  } else {
    const p = event.payload;
    body = <ChangeList changes={p.diff} more={p.more} />;
    if (p.previous_job_id) {
      facts.push([
        'Compared with',
        <Link key="l" to="/jobs/detail/$jobId" params={{ jobId: p.previous_job_id }}>
          the previous run
        </Link>,
      ]);
    }
  }
  return (
    <div className={`alert-event alert-event--${event.event.replace('.', '-')}`} role="group" aria-label={ALERT_LABEL[event.event]}>
      <p className="alert-event__message">{event.payload.message}</p>
      {body}
      <dl className="alert-event__facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        <div>
          <dt>Told by</dt>
          <dd>{channelsWords(event.payload.channels)}</dd>
        </div>
      </dl>
    </div>
  );
}
