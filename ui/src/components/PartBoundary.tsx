import { Component, type ErrorInfo, type ReactNode } from 'react';
import { errorMessage } from '../api/errors';
import { Button } from './Button';

interface Props {
  /** What the part is, for the message: "the chart". */
  label: string;
  children: ReactNode;
}

/**
 * A part of a page that throws while rendering shows this in its place, and the rest of
 * the page (and the router's own boundary around it) keeps working. React catches render
 * errors only in a class component.
 */
export class PartBoundary extends Component<Props, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(`Chime: ${this.props.label} failed`, error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="banner banner--danger part-error" role="alert">
        <span>
          Could not show {this.props.label}: {errorMessage(this.state.error)}
        </span>{' '}
        <Button size="sm" variant="ghost" onClick={() => this.setState({ error: null })}>
          Try again
        </Button>
      </div>
    );
  }
}
