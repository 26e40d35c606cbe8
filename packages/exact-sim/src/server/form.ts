// Parsing of application/x-www-form-urlencoded bodies and Cookie headers.

/** Every value of every field, in order (checkbox groups repeat a name). */
export type FormFields = Map<string, string[]>;

export function parseForm(body: Buffer | string): FormFields {
  const fields: FormFields = new Map();
  for (const [name, value] of new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))) {
    const list = fields.get(name);
    if (list) list.push(value);
    else fields.set(name, [value]);
  }
  return fields;
}

/** The first value of a field, or undefined. */
export function field(fields: FormFields, name: string): string | undefined {
  return fields.get(name)?.[0];
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}
