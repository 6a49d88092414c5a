/**
 * Response headers applied to every response. The CSP nonce is fresh per response and is the
 * only way a script runs: no inline script without it, no plugin, no framing, no <base>.
 */
export function securityHeaders(options: { nonce: string; https: boolean; dev: boolean }): Record<string, string> {
  const scriptSrc = options.dev ? `'self' 'nonce-${options.nonce}' 'unsafe-inline'` : `'self' 'nonce-${options.nonce}'`;
  const connectSrc = options.dev ? "'self' ws: wss:" : "'self'";
  const csp = [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
    `style-src 'self'${options.dev ? " 'unsafe-inline'" : ""}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSrc}`,
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
  const headers: Record<string, string> = {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
  if (options.https) headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return headers;
}
