import type { ReactNode } from 'react';
import { EmptyState } from '../../components/EmptyState';

/** A calm stand-in for a view that another piece of work builds. */
export function ComingSoon({ title, icon, children }: { title: string; icon?: ReactNode; children?: ReactNode }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page__header">
        <h1 id="page-title" className="page__title">
          {title}
        </h1>
      </header>
      <EmptyState icon={icon} title="Coming soon">
        <p>{children}</p>
      </EmptyState>
    </section>
  );
}
