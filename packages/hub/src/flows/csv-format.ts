/**
 * CSV as spreadsheets write it (RFC 4180): comma or semicolon separated (Dutch Excel uses `;`),
 * fields optionally in double quotes with `""` for a quote, CRLF or LF line ends.
 */
export function parseCsv(text: string): string[][] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = source.slice(0, source.search(/\r?\n|$/));
  const separator = firstLine.split(';').length > firstLine.split(',').length ? ';' : ',';
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === separator) {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      record.push(field);
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  record.push(field);
  if (record.length > 1 || record[0] !== '') records.push(record);
  return records;
}

/** Rows of objects from CSV with a header line; empty cells are left out. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...lines] = parseCsv(text);
  if (header === undefined) return [];
  const names = header.map((name) => name.trim());
  return lines.map((cells) => {
    const row: Record<string, string> = {};
    names.forEach((name, index) => {
      const cell = cells[index];
      if (name !== '' && cell !== undefined && cell !== '') row[name] = cell;
    });
    return row;
  });
}

/** One CSV line (LF-terminated); a field with a separator, quote or line break is quoted. */
export function csvLine(values: readonly unknown[]): string {
  return `${values
    .map((value) => {
      if (value === null || value === undefined) return '';
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',')}\n`;
}
