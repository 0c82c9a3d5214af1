import type { Redirect } from '../api/types';
import { formatNumber } from '../lib/locale';
import { Badge } from './Badge';

/**
 * The redirects followed to reach a response, in order: each hop's status and where it sent
 * the request. Nothing when there were none. The URLs are as recorded (credentials redacted).
 */
export function RedirectList({ redirects }: { redirects: readonly Redirect[] | null | undefined }) {
  if (!redirects || redirects.length === 0) return null;
  const count = redirects.length;
  return (
    <section className="redirects" aria-label="Redirects">
      <h4 className="redirects__title">
        Followed {formatNumber(count)} {count === 1 ? 'redirect' : 'redirects'}
      </h4>
      <ol className="redirects__list">
        {redirects.map((hop, i) => (
          // the same URL may come twice in a chain: the position is the identity
          <li key={i} className="redirects__hop">
            <Badge tone="accent">{hop.status}</Badge>
            <span className="redirects__arrow" aria-hidden="true">
              →
            </span>
            <span className="redirects__url">{hop.url}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
