/*
 * Success notices after a redirect (ADR 017): the action redirects to a URL carrying a short code
 * (`?ok=cree`), and the page's loader turns the code into a fixed French message from its own
 * list. Only the list's own keys count — never the prototype's (`?ok=constructor`) — and the text
 * in the URL is never shown, so a forged link can show at most one of Bascule's own messages.
 */

/**
 * The notice (a message, or a message with its tone) of the code in `param` of the request's URL,
 * or null for a missing or unknown code.
 */
export function noticeFrom<T>(request: Request | URL, notices: Readonly<Record<string, T>>, param = "ok"): T | null {
  const url = request instanceof URL ? request : new URL(request.url);
  const code = url.searchParams.get(param);
  return code !== null && Object.hasOwn(notices, code) ? notices[code]! : null;
}
