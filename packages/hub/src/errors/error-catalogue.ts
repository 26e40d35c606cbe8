/**
 * Every error the hub answers with, defined once: its HTTP status and the message it carries
 * unless the place that raises it says more. `{name}` in a message is filled from the params
 * given to `HubError.of`. The OpenAPI document lists these codes; the dashboard's client types
 * are generated from it.
 */
interface ErrorSpec {
  status: number;
  message: string;
}

export const ERROR_CATALOGUE = {
  // Requests the hub cannot read (Fastify-level and schema validation)
  invalid_request: { status: 400, message: 'The request is invalid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_url: { status: 400, message: 'The request URL is malformed (for example a broken %-escape).' },
  bad_request: { status: 400, message: 'The request cannot be handled as sent.' },
  uri_too_long: { status: 414, message: 'A path parameter in the URL is longer than the hub accepts.' },
  payload_too_large: {
    status: 413,
    message: 'The request body is larger than the hub accepts (KOPPEL_BODY_LIMIT_BYTES).',
  },
  unsupported_media_type: {
    status: 415,
    message: 'Send the request body as JSON with "Content-Type: application/json".',
  },
  route_not_found: { status: 404, message: 'No route {method} {path}.' },
  already_exists: {
    status: 409,
    message: 'A record with these values already exists; reload and try again.',
  },
  internal_error: {
    status: 500,
    message: 'Something went wrong on the hub; the server log has request {requestId}.',
  },

  // Signing in and access
  unauthenticated: {
    status: 401,
    message: 'Sign in, or send an API token as "Authorization: Bearer <token>".',
  },
  csrf_token_invalid: {
    status: 403,
    message:
      'Requests signed in with a session cookie must send the x-koppel-csrf header with the csrfToken from login or GET /api/v1/me (also in the koppel_csrf cookie).',
  },
  session_required: {
    status: 403,
    message: 'This action needs a signed-in browser session; API tokens cannot do it.',
  },
  insufficient_role: {
    status: 403,
    message: 'This action needs the {required} role in the workspace; you are {actual}.',
  },
  signup_closed: {
    status: 403,
    message: 'Sign-up is closed: this hub has users. Ask an admin for an invitation.',
  },
  too_many_attempts: { status: 429, message: 'Too many failed sign-in attempts; try again later.' },
  weak_password: { status: 400, message: 'Choose a stronger password.' },
  totp_already_enabled: {
    status: 409,
    message: 'Two-factor sign-in is already on; disable it first to enrol again.',
  },
  totp_not_enrolling: { status: 400, message: 'Start enrolment with POST /api/v1/me/totp first.' },
  totp_code_invalid: {
    status: 400,
    message: 'The code does not match; check the phone clock and try the next code.',
  },
  totp_not_enabled: { status: 400, message: 'Two-factor sign-in is not on.' },
  session_not_found: { status: 404, message: 'You have no session with this id.' },
  token_not_found: { status: 404, message: 'You have no API token with this id.' },

  // Workspaces, members, invitations
  workspace_creation_not_allowed: {
    status: 403,
    message:
      'Only owners and admins of a workspace may create workspaces on this hub (KOPPEL_WORKSPACE_CREATORS); ask one of them.',
  },
  workspace_not_found: { status: 404, message: 'No workspace with this id, or you are not a member of it.' },
  member_not_found: { status: 404, message: 'This user is not a member of the workspace.' },
  last_owner: {
    status: 409,
    message: 'A workspace needs at least one owner; make someone else owner first.',
  },
  already_member: { status: 409, message: 'This person is already a member of the workspace.' },
  invitation_invalid: { status: 404, message: 'No such invitation; check that the whole link was copied.' },
  invitation_not_found: { status: 404, message: 'No pending invitation with this id in the workspace.' },

  // Exact apps and connections
  exact_host_not_allowed: {
    status: 400,
    message:
      "This hub does not talk to {baseUrl}: an app uses one of Exact's regional hosts, or a base URL the operator allowed in KOPPEL_EXACT_BASE_URLS.",
  },
  app_not_found: {
    status: 404,
    message: 'No Exact app with this id, or you are not a member of its workspace.',
  },
  app_in_use: { status: 409, message: 'The app still has connections; delete them first.' },
  connection_not_found: {
    status: 404,
    message: 'No connection with this id, or you are not a member of its workspace.',
  },
  connection_not_authorized: {
    status: 409,
    message: 'The connection has not been authorized yet; press Authorize first.',
  },
  connection_unavailable: { status: 409, message: 'The connection cannot be used now.' },
  division_unknown: { status: 400, message: 'Exact did not list this division for the connection.' },
  division_out_of_scope: { status: 400, message: "The division is no longer in the connection's scope." },
  exact_call_failed: { status: 502, message: 'The call to Exact failed.' },
  exact_no_division: { status: 502, message: 'Exact reports no current division for the authorizing user.' },

  // Authorizing a connection on Exact (the callback's failure page shows these too)
  oauth_state_missing: { status: 400, message: 'The request from Exact carries no state parameter.' },
  oauth_state_reused: { status: 400, message: 'This authorization link was already used once.' },
  oauth_state_invalid: { status: 400, message: 'The state in the link was not issued by this hub.' },
  oauth_state_expired: { status: 400, message: 'The authorization has expired.' },
  oauth_session_mismatch: {
    status: 403,
    message: 'The authorization was started in another browser session.',
  },
  oauth_not_allowed: { status: 403, message: 'Authorizing a connection needs the admin or owner role.' },
  oauth_consent_denied: { status: 400, message: "Exact's consent screen was answered with Deny." },
  oauth_exact_error: { status: 400, message: 'Exact ended the authorization with an error.' },
  oauth_code_missing: { status: 400, message: 'Exact sent the user back without an authorization code.' },
  oauth_code_rejected: { status: 400, message: 'Exact rejected the authorization code.' },
  oauth_client_rejected: { status: 400, message: "Exact refused the app's client ID or client secret." },
  oauth_redirect_mismatch: {
    status: 400,
    message: "Exact issued the code for a different redirect URI than the hub's.",
  },
  oauth_exact_read_failed: { status: 502, message: 'Reading current/Me and system/Divisions failed.' },
  oauth_exact_unavailable: { status: 502, message: "Exact's token endpoint could not be reached or failed." },

  // Flows, runs and destinations
  package_not_found: { status: 400, message: 'No such package; GET /api/v1/packages lists them.' },
  invalid_entities: {
    status: 400,
    message: "The entities must be a non-empty list of the package's entities.",
  },
  division_not_linked: {
    status: 400,
    message: "The divisions must be linked divisions of the flow's connection.",
  },
  invalid_settings: { status: 400, message: "The settings do not fit the package's settings schema." },
  invalid_schedule: { status: 400, message: 'The schedule must be a five-field cron expression in UTC.' },
  wrong_package: {
    status: 409,
    message: 'This action belongs to another package than the flow’s ({packageId}).',
  },
  import_invalid: { status: 400, message: 'The upload cannot be imported.' },
  import_not_found: { status: 404, message: 'The flow has no import with this id.' },
  flow_not_found: { status: 404, message: 'No flow with this id, or you are not a member of its workspace.' },
  smtp_not_configured: {
    status: 409,
    message: 'No SMTP server is configured: set KOPPEL_SMTP_URL (and KOPPEL_SMTP_FROM) and restart the hub.',
  },
  smtp_failed: { status: 502, message: 'The SMTP server did not take the e-mail.' },
  alert_channel_not_found: { status: 404, message: 'No alert channel with this id in this workspace.' },
  run_not_found: { status: 404, message: 'No run with this id, or you are not a member of its workspace.' },
  table_not_found: { status: 404, message: 'The flow has no such table yet; run the flow first.' },
  destination_not_found: { status: 404, message: 'No destination with this id in the workspace.' },
  destination_in_use: {
    status: 409,
    message: 'Flows still write into this destination; move or delete them first.',
  },
  invalid_connection_string: {
    status: 400,
    message: 'The connection string must be a URL such as postgres://user:password@host:5432/database.',
  },
  webhook_secret_missing: {
    status: 409,
    message: "The flow's Exact app has no webhook secret; add the one Exact's App Center shows.",
  },
  webhook_signature_invalid: {
    status: 401,
    message: "The notification is not signed by Exact with this app's webhook secret.",
  },
  webhook_payload_invalid: { status: 400, message: 'The body is not an Exact webhook notification.' },

  // Operations
  metrics_disabled: {
    status: 404,
    message:
      'Metrics are switched off: set KOPPEL_METRICS_TOKEN and scrape /metrics with Authorization: Bearer <token>.',
  },
  metrics_unauthorized: {
    status: 401,
    message: 'Send the KOPPEL_METRICS_TOKEN value as Authorization: Bearer <token> to read /metrics.',
  },
  web_ui_not_built: {
    status: 404,
    message:
      'The dashboard is not built on this hub; run `npm run build -w packages/web` and restart. The API is at /api/v1 (see /api/openapi.json).',
  },
  file_not_found: { status: 404, message: 'No file {path}.' },

  // Start-up and background work (never an HTTP answer, but coded the same way)
  data_dir_in_use: { status: 500, message: 'The data dir is in use by another process.' },
  database_open_failed: { status: 500, message: 'The embedded database cannot be opened.' },
  invalid_secret_key: { status: 500, message: 'The secret key is invalid.' },
  secret_decrypt_failed: {
    status: 500,
    message: 'A stored secret cannot be decrypted with the configured keys.',
  },
  job_payload_invalid: { status: 500, message: 'The payload of a job is invalid.' },
  job_queue_stopped: { status: 503, message: 'The job queue has stopped: this process is shutting down.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** Fills `{name}` placeholders; a missing param leaves the placeholder visible rather than guessing. */
export function formatMessage(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
