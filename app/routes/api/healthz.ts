/** Liveness: the process answers. No dependency is checked here (that is /readyz). */
export function loader() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
