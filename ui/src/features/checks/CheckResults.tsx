import type { CheckResult } from '../../api/types';
import { Badge } from '../../components/Badge';
import { actualWords, checksSummary, checkWords, failureWords } from './words';
import './checks.css';

/**
 * A response's checks: each one in words, passed or failed, why a failed one failed (the
 * engine's `message`) and the value it saw. Nothing when the job has no checks.
 */
export function CheckResults({ results }: { results: readonly CheckResult[] | undefined }) {
  const summary = checksSummary(results);
  if (!summary || !results) return null;
  return (
    <section className="checks" aria-label="Checks">
      <h4 className="checks__title">
        Checks <span className={summary.failed > 0 ? 'checks__tally checks__tally--failed' : 'checks__tally'}>· {summary.text}</span>
      </h4>
      <ul className="checks__list">
        {results.map((result, i) => (
          <li key={i} className={`check check--${result.passed ? 'passed' : 'failed'}`}>
            <Badge tone={result.passed ? 'success' : 'danger'}>{result.passed ? 'passed' : 'failed'}</Badge>
            <span className="check__body">
              <span className="check__what">{checkWords(result.item)}</span>
              {!result.passed && <span className="check__why">{failureWords(result)}</span>}
              <span className="check__saw">
                saw <code>{actualWords(result)}</code>
              </span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
