import { useState, type ReactNode } from 'react';
import { errorMessage } from '../../api/errors';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { formatRun } from '../../lib/time';
import { machineTimeZone, tomorrowAt } from '../../lib/zones';
import { useDisplayZone } from '../settings/useSettings';
import './jobs.css';

const HOUR_MS = 3_600_000;

/** When each timed pause ends, asked when it is picked (a dialog left open an hour still means an hour). */
const UNTIL = {
  hour: () => new Date(Date.now() + HOUR_MS).toISOString(),
  tomorrow: (zone: string) => tomorrowAt('09:00', zone),
};

/**
 * "Pause this schedule?": until it is resumed, for an hour, or until tomorrow at 9:00 in the
 * display zone; a timed pause ends by itself (`POST /api/schedules/{id}/disable {until}`).
 * Busy until the engine answers, and shows its error.
 */
export function PauseDialog({
  open,
  message,
  onPause,
  onClose,
}: {
  open: boolean;
  message: ReactNode;
  /** Pause, until `until` (RFC 3339) or until resumed. */
  onPause: (until?: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const zone = useDisplayZone() ?? machineTimeZone();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };

  const pause = async (until?: string | null) => {
    if (until === null) {
      setError('Tomorrow at 9:00 could not be worked out in this time zone.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onPause(until);
      setBusy(false);
      onClose();
    } catch (e) {
      setBusy(false);
      setError(errorMessage(e));
    }
  };

  const tomorrow = open ? tomorrowAt('09:00', zone) : null;
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Pause this schedule?"
      size="sm"
      description={message}
      footer={
        <>
          <Button variant="ghost" onClick={close} disabled={busy}>
            Keep
          </Button>
          <Button variant="primary" onClick={() => void pause()} busy={busy} data-autofocus>
            Pause schedule
          </Button>
        </>
      }
    >
      <div className="pause-options" role="group" aria-label="Pause for a while">
        <p className="faint">Or pause it for a while; it resumes by itself:</p>
        <Button size="sm" onClick={() => void pause(UNTIL.hour())} disabled={busy}>
          Pause for 1 hour
        </Button>
        <Button size="sm" onClick={() => void pause(UNTIL.tomorrow(zone))} disabled={busy} title={tomorrow ? formatRun(tomorrow, zone) : undefined}>
          Pause until tomorrow 9:00
        </Button>
      </div>
      {error && (
        <p className="banner banner--danger" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
