import { useState } from 'react';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { IconTerminal } from '../../components/icons';
import { Textarea } from '../../components/Input';
import { useToast } from '../../components/Toast';

/** Copy a saved job as a curl command (the engine writes it), or show it when the clipboard is closed. */
export function CopyCurlButton({ jobId, disabledReason }: { jobId: string | null; disabledReason?: string }) {
  const client = useClient();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [fallback, setFallback] = useState<string | null>(null);

  const copy = async () => {
    if (!jobId) return;
    setBusy(true);
    try {
      const curl = await client.jobCurl(jobId);
      try {
        await navigator.clipboard.writeText(curl);
        toast('Copied as curl', 'success');
      } catch {
        setFallback(curl);
      }
    } catch (e) {
      toast(errorMessage(e), 'danger');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        variant="ghost"
        size="sm"
        icon={<IconTerminal />}
        busy={busy}
        disabled={!jobId}
        title={jobId ? 'Copy this job as a curl command' : disabledReason}
        onClick={() => void copy()}
      >
        Copy as curl
      </Button>
      <Dialog open={fallback !== null} onClose={() => setFallback(null)} title="Copy as curl" size="lg">
        <Textarea mono readOnly rows={8} value={fallback ?? ''} aria-label="curl command" onFocus={(e) => e.currentTarget.select()} data-autofocus />
      </Dialog>
    </>
  );
}
