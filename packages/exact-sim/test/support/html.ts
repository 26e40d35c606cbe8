// Reads the simulator's authorize pages the way a browser would submit them.

const decode = (value: string): string =>
  value.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

/** name → value of every hidden input. */
export function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]!] = decode(match[2]!);
  }
  return fields;
}

/** Values of the checked division checkboxes. */
export function checkedDivisions(html: string): string[] {
  return [...html.matchAll(/<input type="checkbox" name="divisions" value="(\d+)" checked>/g)].map(
    (m) => m[1]!,
  );
}

export function formAction(html: string): string | undefined {
  return /<form method="post" action="([^"]+)">/.exec(html)?.[1];
}

export function cookieHeader(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}
