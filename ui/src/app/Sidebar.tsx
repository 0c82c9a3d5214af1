import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { IconBell, IconCalendar, IconJobs, IconPulse, IconSettings } from '../components/icons';

const NAV: ReadonlyArray<{ to: '/jobs' | '/calendar' | '/log' | '/settings'; label: string; icon: ReactNode; also?: string }> = [
  // a schedule's page is one of the Jobs list's
  { to: '/jobs', label: 'Jobs', icon: <IconJobs />, also: '/schedules' },
  { to: '/calendar', label: 'Calendar', icon: <IconCalendar /> },
  { to: '/log', label: 'Live log', icon: <IconPulse /> },
  { to: '/settings', label: 'Settings', icon: <IconSettings /> },
];

export function Sidebar({ pathname }: { pathname: string }) {
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="sidebar__brand">
        <span className="sidebar__logo" aria-hidden="true">
          <IconBell size={14} />
        </span>
        <span className="sidebar__name">Chime</span>
      </div>
      <ul className="sidebar__list">
        {NAV.map((item) => {
          const active = [item.to, item.also].some((to) => to !== undefined && (pathname === to || pathname.startsWith(`${to}/`)));
          return (
            <li key={item.to}>
              <Link to={item.to} className={['sidebar__link', active ? 'is-active' : ''].join(' ')} aria-current={active ? 'page' : undefined}>
                {item.icon}
                <span>{item.label}</span>
              </Link>
            </li>
          );
        })}
      </ul>
      <div className="sidebar__footer">
        <span className="faint">
          <kbd>N</kbd> new job · <kbd>/</kbd> search
        </span>
      </div>
    </nav>
  );
}
