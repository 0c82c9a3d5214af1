import { useCallback, useEffect, useRef } from 'react';
import { Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useTransport } from '../api/ClientContext';
import { Sidebar } from './Sidebar';
import { TopBar } from './TopBar';
import { useGlobalShortcuts, isTypingTarget } from './shortcuts';
import { useLiveInvalidation } from './liveInvalidation';
import { looksLikeCurl, setPendingCurl } from './pendingCurl';
import { hasOpenLayer } from '../components/layers';
import './shell.css';

export function AppShell() {
  const transport = useTransport();
  const navigate = useNavigate();
  const searchRef = useRef<HTMLInputElement>(null);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  useLiveInvalidation(transport);

  const newJob = useCallback(() => {
    void navigate({ to: '/jobs/new', search: (prev) => ({ q: prev.q, state: prev.state }) });
  }, [navigate]);
  // `/` focuses the page's own search when it has one (the live log), else the jobs search.
  const focusSearch = useCallback(
    () => (document.querySelector<HTMLInputElement>('[data-page-search]') ?? searchRef.current)?.focus(),
    [],
  );
  useGlobalShortcuts({ newJob, focusSearch });

  // A curl command pasted anywhere outside a field opens the builder with it.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      if (isTypingTarget(event.target) || hasOpenLayer()) return;
      const text = event.clipboardData?.getData('text/plain') ?? '';
      if (!looksLikeCurl(text)) return;
      event.preventDefault();
      setPendingCurl(text);
      newJob();
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [newJob]);

  return (
    <div className="shell">
      <Sidebar pathname={pathname} />
      <div className="shell__main">
        <TopBar searchRef={searchRef} />
        <main className="shell__content">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
