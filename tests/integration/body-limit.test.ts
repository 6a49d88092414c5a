import http from "node:http";
import type { AddressInfo } from "node:net";
import { createReadableStreamFromReadable } from "@react-router/node";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyLimit } from "~/platform/http/body-limit.server";
import { readForm } from "~/platform/http/form.server";

/*
 * The host's body limit on a real HTTP server, with routes that read their body the way React
 * Router's Express adapter hands it to them (a stream over Node's request), one with a route limit
 * far above the host's so that only the host's limit can stop it.
 */

let server: http.Server;
let port: number;
const refusals: string[] = [];
/** What each route's reader ended with: "read" (the whole body) or "error". */
const outcomes: string[] = [];

beforeAll(async () => {
  const app = express();
  app.use(bodyLimit({ defaultMaxBytes: 64 * 1024, paths: { "/envoi": 1024 * 1024 } }, (req) => refusals.push(req.path)));
  app.post(["/connexion", "/envoi"], async (req, res) => {
    const request = new Request(`http://localhost${req.path}`, {
      method: "POST",
      headers: { "Content-Type": req.headers["content-type"] ?? "" },
      body: createReadableStreamFromReadable(req),
      duplex: "half",
    } as RequestInit);
    try {
      const form = await readForm(request, 256 * 1024 * 1024);
      outcomes.push("read");
      res.status(200).send(`read ${String(form.get("a") ?? "").length}`);
    } catch (error) {
      outcomes.push("error");
      if (!res.headersSent) res.status((error as { init?: { status: number } }).init?.status ?? 500).end();
    }
  });
  // A route with a limit of its own, below the host's.
  app.post("/petit", async (req, res) => {
    const request = new Request("http://localhost/petit", {
      method: "POST",
      headers: { "Content-Type": req.headers["content-type"] ?? "" },
      body: createReadableStreamFromReadable(req),
      duplex: "half",
    } as RequestInit);
    try {
      await readForm(request, 16 * 1024);
      res.status(200).end();
    } catch (error) {
      res.status((error as { init?: { status: number } }).init?.status ?? 500).end();
    }
  });
  server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Posts `total` bytes of form data, chunked (or with a declared length), as fast as the server takes them. */
function post(path: string, total: number, options: { declareLength?: boolean } = {}) {
  return new Promise<{ status: number | null; sent: number }>((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
    if (options.declareLength) headers["Content-Length"] = String(total + 2);
    const request = http.request({ host: "127.0.0.1", port, path, method: "POST", headers });
    let sent = 0;
    let status: number | null = null;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ status, sent });
    };
    request.on("response", (response) => {
      status = response.statusCode ?? null;
      response.resume();
      response.on("end", finish);
      response.on("error", finish);
    });
    request.on("error", finish);
    request.on("close", () => setTimeout(finish, 50));
    request.write("a=");
    const pump = () => {
      while (!done && status === null && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!request.write(piece)) return void request.once("drain", pump);
      }
      if (sent >= total) request.end();
    };
    pump();
  });
}

describe("host body limit", () => {
  it("answers 413 to a 48 MB chunked form before reading it, and memory stays bounded", async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const result = await post("/connexion", 48 * 1024 * 1024);
    const grown = process.memoryUsage().rss - before;
    expect(result.status).toBe(413);
    // The client stopped long before the end: the server stopped reading at the limit.
    expect(result.sent).toBeLessThan(16 * 1024 * 1024);
    expect(grown).toBeLessThan(32 * 1024 * 1024);
    expect(refusals).toContain("/connexion");
    // The route's reader never takes the part it got for the whole body: it ends with an error.
    await expect.poll(() => outcomes, { timeout: 5_000 }).toEqual(["error"]);
  });

  it("refuses a declared length over the limit without reading the body", async () => {
    const result = await post("/connexion", 1024 * 1024, { declareLength: true });
    expect(result.status).toBe(413);
  });

  it("a route's own lower limit answers 413 too, and the client reads it (no connection reset)", async () => {
    const result = await post("/petit", 48 * 1024 * 1024);
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("lets a path with a larger declared limit through, up to that limit", async () => {
    expect((await post("/envoi", 512 * 1024)).status).toBe(200);
    expect((await post("/envoi", 4 * 1024 * 1024)).status).toBe(413);
    expect((await post("/connexion", 32 * 1024)).status).toBe(200);
  });
});
