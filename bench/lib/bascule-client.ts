/*
 * The few requests the benchmark makes outside the load runs: logging in like the browser form
 * does, and checking that a page really is what the scenario claims to measure.
 */
const REQUEST_TIMEOUT_MS = 30_000;

/** The urlencoded login form and the headers a browser would send with it (same-origin POST). */
export function loginRequest(origin: string, credentials: { email: string; password: string }) {
  return {
    url: `${origin}/connexion`,
    method: "POST" as const,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
    body: new URLSearchParams(credentials).toString(),
  };
}

/** Logs in and returns the `Cookie` header value carrying the new session. */
export async function logIn(origin: string, credentials: { email: string; password: string }): Promise<string> {
  const { url, ...init } = loginRequest(origin, credentials);
  const res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await res.arrayBuffer();
  const session = res.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .find((pair) => /^(__Host-)?bascule_session=./.test(pair));
  if (res.status !== 302 || !session) {
    throw new Error(`login as ${credentials.email} failed: HTTP ${res.status}${session ? "" : ", no session cookie"}`);
  }
  return session;
}

/** GETs a page and checks its status and, if given, a text it must contain; returns its size in bytes. */
export async function checkPage(url: string, expect: { cookie?: string; contains?: string }): Promise<number> {
  const res = await fetch(url, {
    headers: expect.cookie ? { Cookie: expect.cookie } : {},
    redirect: "manual",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status} instead of 200`);
  if (expect.contains && !body.includes(expect.contains)) throw new Error(`GET ${url} does not contain "${expect.contains}"`);
  return Buffer.byteLength(body);
}
