import type { FormEvent } from 'react';

/** A form's submit handler: the browser stays on the page and `mutation.mutate()` runs instead. */
export function submitWith(mutation: { mutate(): void }): (event: FormEvent) => void {
  return (event) => {
    event.preventDefault();
    mutation.mutate();
  };
}
