/** The small HTML pages the OAuth callback ends on; the browser arrives there from Exact, not from the UI. */

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Koppel</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}
h1{font-size:1.5rem}.ok{color:#1b7f3b}.fail{color:#b42318}code{background:#f1f3f5;padding:0 .25rem}
a.button{display:inline-block;margin-top:1rem;padding:.5rem 1rem;background:#1f4dd8;color:#fff;border-radius:.25rem;text-decoration:none}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function failurePage(input: {
  title: string;
  message: string;
  action: string;
  code: string;
  backUrl: string;
}): string {
  return page(
    input.title,
    `<h1 class="fail">${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.message)}</p>
<p><strong>What to do:</strong> ${escapeHtml(input.action)}</p>
<p><small>Error code: <code>${escapeHtml(input.code)}</code></small></p>
<a class="button" href="${escapeHtml(input.backUrl)}">Back to Koppel</a>`,
  );
}

export function successPage(input: {
  connectionName: string;
  exactUser: string;
  divisions: { code: number; description: string | null }[];
  backUrl: string;
}): string {
  const list = input.divisions
    .map((d) => `<li>${escapeHtml(d.description ?? `Division ${d.code}`)} <code>${d.code}</code></li>`)
    .join('\n');
  return page(
    'Connection authorized',
    `<h1 class="ok">Connection authorized</h1>
<p><strong>${escapeHtml(input.connectionName)}</strong> is now authorized by Exact user ${escapeHtml(input.exactUser)}.</p>
<p>Exact granted ${input.divisions.length} division(s):</p>
<ul>
${list}
</ul>
<p><strong>Next:</strong> link the divisions Koppel should use (none is linked automatically), then test the connection.</p>
<a class="button" href="${escapeHtml(input.backUrl)}">Back to Koppel</a>`,
  );
}
