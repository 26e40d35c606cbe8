/** Exact's message from an error body: `error.message.value`, else the raw text (facts §8.1). */
export function exactMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: { value?: unknown } | string } };
    const message = body.error?.message;
    if (typeof message === 'string') return message;
    if (typeof message?.value === 'string') return message.value;
  } catch {
    // Plain-text body.
  }
  return text.trim().slice(0, 2000);
}
