import { useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { errorMessage } from '../api/errors';
import { Button } from '../components/Button';
import { EmptyState } from '../components/EmptyState';
import { IconPulse } from '../components/icons';

/**
 * What a page shows when it throws while rendering. It replaces that page only: the
 * router puts it in the page's place inside the shell, so the sidebar keeps working, and
 * it offers the way back and a fresh try of the same view.
 */
export function PageError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  const canGoBack = router.history.canGoBack();
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" className="visually-hidden">
        Error
      </h1>
      <EmptyState
        icon={<IconPulse size={18} />}
        title="Something went wrong in this view"
        actions={
          <>
            {canGoBack ? (
              <Button onClick={() => router.history.back()}>Go back</Button>
            ) : (
              <Button onClick={() => void router.navigate({ to: '/jobs', search: {} })}>Go to Jobs</Button>
            )}
            <Button variant="primary" onClick={reset}>
              Reload this view
            </Button>
          </>
        }
      >
        <p>{errorMessage(error)}</p>
        <p>The rest of Chime still works: pick a view on the left.</p>
      </EmptyState>
    </section>
  );
}
