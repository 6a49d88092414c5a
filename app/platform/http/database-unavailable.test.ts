import { describe, expect, it } from "vitest";
import { databaseUnavailableAnswer } from "./database-unavailable";

// Any contact details will do: the page shows what it is given (the server passes the insurer's).
const CONTACT = { phone: "04 94 00 00 00", phoneHref: "tel:+33494000000", phoneHours: "du lundi au vendredi", legalName: "Bascule, mutuelle santé" };
const base = { path: "/espace/remboursements/nouveau", search: "", stylesheetHref: "/assets/root-abc.css", contact: CONTACT };

describe("databaseUnavailableAnswer", () => {
  it("gives a browser a French 503 page, never cached, with Retry-After", () => {
    const answer = databaseUnavailableAnswer({ ...base, kind: "document" });
    expect(answer.status).toBe(503);
    expect(answer.headers).toMatchObject({ "Cache-Control": "no-store", "Retry-After": "5", "Content-Type": "text/html; charset=utf-8" });
    expect(answer.body).toContain('<html lang="fr">');
    expect(answer.body).toContain("momentanément indisponible");
    expect(answer.body).toContain("ne la créera pas en double");
    expect(answer.body).toContain('href="/assets/root-abc.css"');
  });

  it("tells a client-side navigation to reload the page as a document", () => {
    const answer = databaseUnavailableAnswer({ ...base, kind: "data", path: "/espace.data", search: "?_routes=root" });
    expect(answer).toEqual({
      status: 204,
      headers: { "X-Remix-Redirect": "/espace", "X-Remix-Status": "302", "X-Remix-Reload-Document": "true", "Cache-Control": "no-store" },
      body: null,
    });
  });

  it("gives other clients an RFC 9457 problem", () => {
    const answer = databaseUnavailableAnswer({ ...base, kind: "api", path: "/api/ofrep/v1/evaluate/flags" });
    expect(answer.status).toBe(503);
    expect(answer.headers["Content-Type"]).toBe("application/problem+json; charset=utf-8");
    expect(JSON.parse(answer.body!)).toMatchObject({ status: 503, title: "Bascule est momentanément indisponible" });
  });
});
