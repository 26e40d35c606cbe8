import { Button, Center, Stack } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorAlert } from './error-alert.tsx';

interface State {
  error: Error | null;
}

/** A rendering bug shows what broke and a way out instead of a blank page. */
export class CrashBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('dashboard crashed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Center p="xl">
        <Stack maw={560}>
          <ErrorAlert error={this.state.error} title="This page failed to display" />
          <Button variant="default" onClick={() => window.location.assign('/')}>
            Back to the start page
          </Button>
        </Stack>
      </Center>
    );
  }
}
