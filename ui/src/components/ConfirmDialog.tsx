import { useState, type ReactNode } from 'react';
import { errorMessage } from '../api/errors';
import { Button } from './Button';
import { Dialog } from './Dialog';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  /** May return a promise: the dialog stays open (busy) until it settles, and shows its error. */
  onConfirm: () => void | Promise<unknown>;
  onClose: () => void;
}

export function ConfirmDialog({ open, title, message, confirmLabel, destructive = true, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    if (busy) return;
    setError(null);
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setBusy(false);
      onClose();
    } catch (e) {
      setBusy(false);
      setError(errorMessage(e));
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={title}
      size="sm"
      description={message}
      footer={
        <>
          <Button variant="ghost" onClick={close} disabled={busy}>
            Keep
          </Button>
          <Button variant={destructive ? 'danger' : 'primary'} onClick={() => void confirm()} busy={busy} data-autofocus>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {error && (
        <p className="banner banner--danger" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
