import { useState } from 'react';
import { useClient } from '../../api/ClientContext';
import { errorMessage } from '../../api/errors';
import type { CurlImport } from '../../api/types';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { Textarea } from '../../components/Input';

/** Paste a curl command; the engine reads it and the form is filled from its answer. */
export function CurlPasteDialog({
  open,
  onClose,
  onImport,
}: {
  open: boolean;
  onClose: () => void;
  onImport: (request: CurlImport) => void;
}) {
  const client = useClient();
  const [command, setCommand] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setError(null);
    onClose();
  };

  const submit = async () => {
    if (!command.trim()) {
      setError('Paste a curl command first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const request = await client.importCurl(command);
      onImport(request);
      setCommand('');
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Paste a curl command"
      description={<p>Method, URL, query, headers and body are taken from it. Nothing is sent.</p>}
      size="lg"
      footer={
        <>
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button variant="primary" busy={busy} onClick={() => void submit()}>
            Fill the form
          </Button>
        </>
      }
    >
      <Field label="curl command" error={error}>
        {(control) => (
          <Textarea
            {...control}
            mono
            rows={8}
            data-autofocus
            spellCheck={false}
            placeholder={`curl -X POST https://api.example.com/hooks -H 'Content-Type: application/json' --data '{"content":"hi"}'`}
            value={command}
            onChange={(e) => setCommand(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                void submit();
              }
            }}
          />
        )}
      </Field>
    </Dialog>
  );
}
