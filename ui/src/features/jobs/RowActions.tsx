import type { ReactNode } from 'react';

/**
 * A row's action buttons. They show on hover and focus, laid over the end of the row's
 * last cell instead of a column of their own: a column that is empty until hovered took
 * 120 px from the name and the schedule.
 */
export function RowActions({ children }: { children: ReactNode }) {
  return (
    <div className="jobs-row__actions" role="group" aria-label="Actions">
      {children}
    </div>
  );
}
