/**
 * The pages the OAuth callback ends on. The browser arrives there from Exact, not from the
 * dashboard's script, so they are plain HTML styled like the dashboard (header, card, primary
 * button, light and dark following the system) and lead back to where the user started.
 */

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

// Mantine's default palette (blue.6/8, green.8, red.8, orange.8, gray) so the page matches the dashboard.
const STYLE = `:root{color-scheme:light dark;--bg:#f8f9fa;--card:#fff;--text:#212529;--dim:#868e96;--line:#dee2e6;
--brand:#1971c2;--primary:#228be6;--ok:#2f9e44;--fail:#e03131;--warn:#e8590c;--code:#f1f3f5}
@media (prefers-color-scheme:dark){:root{--bg:#1a1b1e;--card:#25262b;--text:#c1c2c5;--dim:#909296;--line:#373a40;
--brand:#4dabf7;--code:#2c2e33}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);
font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;line-height:1.55}
header{height:56px;display:flex;align-items:center;padding:0 1rem;background:var(--card);border-bottom:1px solid var(--line)}
header b{font-size:1.375rem;color:var(--brand)}
main{max-width:44rem;margin:2rem auto;padding:0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1.25rem 1.5rem}
h1{font-size:1.5rem;margin:0 0 .5rem}.ok{color:var(--ok)}.fail{color:var(--fail)}.warn{color:var(--warn)}
code{background:var(--code);padding:0 .25rem;border-radius:.25rem}small{color:var(--dim)}
ol li{margin-bottom:.4rem}
a.button{display:inline-block;margin-top:1rem;padding:.45rem 1.1rem;background:var(--primary);color:#fff;
border-radius:.25rem;text-decoration:none;font-weight:600}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Koppel</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${STYLE}</style>
</head>
<body>
<header><b>Koppel</b></header>
<main><div class="card">
${body}
</div></main>
</body>
</html>
`;
}

const backButton = (backUrl: string, label: string): string =>
  `<a class="button" href="${escapeHtml(backUrl)}">${escapeHtml(label)}</a>`;

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
${backButton(input.backUrl, 'Back to Koppel')}`,
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
${backButton(input.backUrl, 'Back to Koppel: link divisions')}`,
  );
}

/** Tokens kept, but Exact would not list the granted divisions (its current-division quirk). */
export function divisionsUnknownPage(input: {
  connectionName: string;
  exactUser: string;
  currentDivision: number | null;
  backUrl: string;
}): string {
  const current =
    input.currentDivision === null
      ? 'your current division'
      : `your current division <code>${input.currentDivision}</code>`;
  return page(
    'Authorized, divisions unknown',
    `<h1 class="warn">Authorized, but Exact did not list the divisions</h1>
<p><strong>${escapeHtml(input.connectionName)}</strong> is authorized by Exact user ${escapeHtml(input.exactUser)} and Koppel kept the access.
Exact refuses to list the granted divisions when ${current} is not among the ones ticked on the consent screen
(Exact answers "User division is not within division scope").</p>
<p><strong>Choose one fix:</strong></p>
<ol>
<li>In Koppel, enter the number of a division you ticked: Koppel lists the divisions through it. Nothing else is needed.</li>
<li>Or authorize again and also tick ${current} on Exact's consent screen.</li>
<li>Or switch your current division in Exact (the company selector at the top of Exact Online) to one you ticked, then authorize again.</li>
</ol>
${backButton(input.backUrl, 'Back to Koppel: enter a division number')}`,
  );
}
