import http from "node:http";
import { expect, test } from "@playwright/test";

/*
 * Request bodies on the real server: a chunked body (no Content-Length) is cut off at its path's
 * limit with a 413, whatever route and content type, and the server's memory does not follow the
 * attacker's body.
 */

function chunkedPost(baseURL: string, path: string, total: number, contentType: string) {
  const url = new URL(path, baseURL);
  return new Promise<{ status: number | null; sent: number }>((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "POST",
      headers: { "Content-Type": contentType, Origin: url.origin, "Transfer-Encoding": "chunked" },
    });
    let sent = 0;
    let status: number | null = null;
    let done = false;
    const finish = () => {
      if (!done) resolve({ status, sent });
      done = true;
    };
    request.on("response", (response) => {
      status = response.statusCode ?? null;
      response.resume();
      response.on("end", finish);
      response.on("error", finish);
    });
    request.on("error", finish);
    request.on("close", () => setTimeout(finish, 50));
    const pump = () => {
      while (!done && status === null && sent < total) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (sent >= total) request.end();
    };
    pump();
  });
}

async function residentBytes(baseURL: string): Promise<number> {
  const text = await (await fetch(new URL("/metrics", baseURL))).text();
  return Number(/^bascule_process_resident_memory_bytes (\d+)/m.exec(text)![1]);
}

test("a 48 MB chunked POST to /connexion gets 413 and the server's memory stays bounded", async ({ baseURL }) => {
  const before = await residentBytes(baseURL!);
  for (let i = 0; i < 3; i++) {
    const result = await chunkedPost(baseURL!, "/connexion", 48 * 1024 * 1024, "application/x-www-form-urlencoded");
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(16 * 1024 * 1024);
  }
  const grown = (await residentBytes(baseURL!)) - before;
  expect(grown).toBeLessThan(48 * 1024 * 1024);
});

test("every kind of body and route is cut off at its limit: client-side submissions, multipart, JSON API", async ({ baseURL }) => {
  const cases: [string, string][] = [
    ["/connexion.data", "application/x-www-form-urlencoded"],
    ["/activation", "multipart/form-data; boundary=zzz"],
    ["/mot-de-passe-oublie", "text/plain"],
  ];
  for (const [path, type] of cases) {
    const result = await chunkedPost(baseURL!, path, 4 * 1024 * 1024, type);
    expect(result.status, path).toBe(413);
  }
});

test("a route that answers without reading its body, or refuses the caller first, still never reads past the limit", async ({ baseURL }) => {
  // Past the limit, the server discards at most 8 MB more (so that the client reads the answer
  // before the connection closes), plus what the sockets buffer.
  const MB = 1024 * 1024;
  const cases: [string, number][] = [
    ["/deconnexion", 64 * 1024 + 12 * MB],
    // Routes with a limit of their own, below the host's: OFREP (16 KB, then 401 without an API
    // key), the contact form (which also demands a Content-Length: 411).
    ["/api/ofrep/v1/evaluate/flags", 64 * 1024 + 12 * MB],
    ["/contact", 64 * 1024 + 12 * MB],
    // Uploads accept 20.5 MB; an anonymous caller is sent to the login page, or cut off at the limit.
    ["/espace/remboursements/nouveau/envoi", 21 * MB + 12 * MB],
    ["/espace/remboursements/nouveau", 21 * MB + 12 * MB],
  ];
  for (const [path, atMost] of cases) {
    const result = await chunkedPost(baseURL!, path, 64 * MB, "multipart/form-data; boundary=zzz");
    expect(result.status, path).not.toBeNull();
    expect(result.status! >= 300 && result.status! < 500, `${path}: ${result.status}`).toBe(true);
    expect(result.sent, path).toBeLessThan(atMost);
  }
});
