// Calls to the JSON API of webshield serve (docs/serve.md). Same origin only; the session is a
// cookie set by POST /api/v1/session. Every error answer is {"error": "why"} with its status.

export class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

// Called on every 401, so that the dashboard can ask to sign in again.
let unauthorizedHandler = null;

export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

// api('/api/v1/summary', {query: {since: '30d'}}) -> the parsed JSON answer, or throws ApiError.
export async function api(path, { method = 'GET', query, body, quiet401 = false } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check the connection and try again.');
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const why = data && typeof data.error === 'string' ? data.error : `${response.status} ${response.statusText}`;
    const error = new ApiError(response.status, why, response.headers.get('Retry-After'));
    if (response.status === 401 && !quiet401 && unauthorizedHandler) unauthorizedHandler(error);
    throw error;
  }
  if (text && data === null) throw new ApiError(response.status, 'The server sent an answer that is not JSON.');
  return data;
}
