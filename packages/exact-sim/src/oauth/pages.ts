// The HTML of the authorize flow: login, consent with division checkboxes, and the error
// page shown when the request cannot be trusted to redirect (unknown client, wrong
// redirect URI). Plain forms, no script, so people and browser tests can use them.

export interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  responseType: string;
  state: string | undefined;
}

export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Exact Online simulator</title>
<style>
body{font-family:system-ui,sans-serif;background:#f3f5f8;margin:0;color:#1d2633}
main{max-width:28rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem}
input[type=text],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem}.error{color:#b00020;font-weight:600}
fieldset{border:1px solid #ccd;margin-top:1rem}.note{color:#667;font-size:.85rem}
table{border-collapse:collapse;font-size:.85rem}th,td{padding:.25rem .4rem;text-align:left;word-break:break-all}
dd{margin:0 0 .6rem;word-break:break-all}
</style>
</head>
<body>
<main>
${content}
<p class="note">exact-sim — a local simulator of Exact Online. No real data leaves this machine.</p>
</main>
</body>
</html>`;
}

function hiddenFields(params: AuthorizeParams): string {
  const fields: [string, string | undefined][] = [
    ['client_id', params.clientId],
    ['redirect_uri', params.redirectUri],
    ['response_type', params.responseType],
    ['state', params.state],
  ];
  return fields
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n');
}

export const errorLine = (error: string | undefined): string =>
  error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';

/** Username and password inputs and the submit button of a login form. */
export const credentialFields = `<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Log in</button>`;

export function loginPage(params: AuthorizeParams, appName: string, error?: string): string {
  return layout(
    'Log in',
    `<h1>Log in to Exact Online</h1>
<p>The app <strong>${escapeHtml(appName)}</strong> asks for access to your administrations.</p>
${errorLine(error)}
<form method="post" action="/api/oauth2/auth">
${hiddenFields(params)}
${credentialFields}
</form>`,
  );
}

export interface ConsentDivision {
  code: number;
  description: string;
}

export function consentPage(input: {
  params: AuthorizeParams;
  appName: string;
  userFullName: string;
  divisions: ConsentDivision[];
  formToken: string;
  error?: string;
}): string {
  const boxes = input.divisions
    .map(
      (d) =>
        `<label><input type="checkbox" name="divisions" value="${d.code}" checked> ${d.code} — ${escapeHtml(d.description)}</label>`,
    )
    .join('\n');
  return layout(
    'Grant access',
    `<h1>Grant access</h1>
<p>Signed in as <strong>${escapeHtml(input.userFullName)}</strong>.</p>
<p><strong>${escapeHtml(input.appName)}</strong> wants to read and write data in the administrations you choose.</p>
${errorLine(input.error)}
<form method="post" action="/api/oauth2/auth">
${hiddenFields(input.params)}
<input type="hidden" name="form_token" value="${input.formToken}">
<fieldset>
<legend>Administrations (divisions)</legend>
${boxes}
</fieldset>
<button type="submit" name="consent" value="allow">Allow</button>
<button type="submit" name="consent" value="deny">Deny</button>
</form>`,
  );
}

/** An error page; `link` adds one way forward (e.g. to the App Center). */
export function errorPage(title: string, message: string, link?: { href: string; text: string }): string {
  const forward = link ? `\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : '';
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n${errorLine(message)}${forward}`);
}
