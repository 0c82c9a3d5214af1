import { useState, type RefObject } from 'react';
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { Input } from '../components/Input';
import { Button } from '../components/Button';
import { IconPlus, IconSearch } from '../components/icons';
import type { JobsSearch } from '../features/jobs/filters';

export function TopBar({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const navigate = useNavigate();
  const location = useRouterState({ select: (s) => s.location });
  const search = location.search as JobsSearch;
  const onJobs = location.pathname.startsWith('/jobs');
  const routeQ = onJobs ? (search.q ?? '') : '';
  const [text, setText] = useState(routeQ);
  // the address changed (back, a link, leaving the jobs view): the box follows it
  const [followedQ, setFollowedQ] = useState(routeQ);
  if (routeQ !== followedQ) {
    setFollowedQ(routeQ);
    setText(routeQ);
  }

  const update = (next: string) => {
    setText(next);
    void navigate({
      to: '/jobs',
      search: { q: next === '' ? undefined : next, state: onJobs ? search.state : undefined },
      replace: onJobs,
    });
  };

  return (
    <header className="topbar">
      <div className="topbar__search">
        <Input
          ref={searchRef}
          type="search"
          aria-label="Search jobs"
          placeholder="Search jobs and schedules"
          value={text}
          leading={<IconSearch />}
          trailing={text ? undefined : <kbd>/</kbd>}
          onChange={(e) => update(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && text) {
              e.preventDefault();
              update('');
            } else if (e.key === 'Escape') {
              e.currentTarget.blur();
            }
          }}
        />
      </div>
      <Button
        variant="primary"
        icon={<IconPlus />}
        shortcut="N"
        onClick={() => void navigate({ to: '/jobs/new', search: (prev) => ({ q: prev.q, state: prev.state }) })}
      >
        New job
      </Button>
    </header>
  );
}
