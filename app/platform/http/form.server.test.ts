import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseForm, readForm } from "./form.server";

const schema = z.object({ postcode: z.string() });

function form(entries: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe("parseForm", () => {
  it("parses a normal submission", () => {
    expect(parseForm(form([["postcode", "83000"]]), schema).status).toBe("success");
  });

  it.each([
    [[["__intent__", " "]]],
    [[["__intent__", "{not json"]]],
    [[["__state__", "<script>"]]],
    [[["__intent__", "a"], ["__intent__", "b"]]],
  ] as [string, string][][][])("turns a malformed Conform control field into a 400: %j", (entries) => {
    let thrown: unknown;
    try {
      parseForm(form(entries), schema);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ init: { status: 400 } });
  });
});

describe("one form parser", () => {
  it("every server-side form submission goes through parseForm (client-side onValidate aside)", () => {
    const appDir = path.resolve(import.meta.dirname, "../..");
    const offenders = fs
      .readdirSync(appDir, { recursive: true, encoding: "utf8" })
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && file !== path.join("platform", "http", "form.server.ts"))
      .flatMap((file) =>
        fs
          .readFileSync(path.join(appDir, file), "utf8")
          .split("\n")
          .filter((line) => line.includes("parseWithZod(") && !line.includes("onValidate"))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});

/** A chunked body of `total` bytes, produced only as it is read; counts what was pulled. */
function lazyBody(total: number, chunkSize = 16 * 1024) {
  const pulled = { bytes: 0 };
  const chunk = new TextEncoder().encode("a".repeat(chunkSize));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= total) return controller.close();
      pulled.bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled };
}

async function statusOf(promise: Promise<unknown>): Promise<number | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { init: { status: number } }).init.status;
  }
}

describe("readForm", () => {
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };

  it("refuses a chunked body over the limit with a 413 as soon as it crosses it, without reading the rest", async () => {
    const { body, pulled } = lazyBody(48 * 1024 * 1024);
    const request = new Request("http://localhost/connexion", { method: "POST", headers, body, duplex: "half" } as RequestInit);
    expect(await statusOf(readForm(request))).toBe(413);
    expect(pulled.bytes).toBeLessThanOrEqual(64 * 1024 + 2 * 16 * 1024);
  });

  it("refuses a declared length over the limit before reading anything", async () => {
    const { body, pulled } = lazyBody(1024 * 1024);
    const request = new Request("http://localhost/connexion", { method: "POST", headers: { ...headers, "Content-Length": String(1024 * 1024) }, body, duplex: "half" } as RequestInit);
    expect(await statusOf(readForm(request))).toBe(413);
    expect(pulled.bytes).toBeLessThanOrEqual(16 * 1024);
  });

  it("reads a chunked form under the limit, and honours a route's own lower limit", async () => {
    const encoded = new TextEncoder().encode(`email=a%40b.fr&message=${"x".repeat(10_000)}`);
    const stream = () => new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(encoded), c.close()) });
    const form = await readForm(new Request("http://localhost/contact", { method: "POST", headers, body: stream(), duplex: "half" } as RequestInit));
    expect(form.get("email")).toBe("a@b.fr");
    expect(await statusOf(readForm(new Request("http://localhost/contact", { method: "POST", headers, body: stream(), duplex: "half" } as RequestInit), 4096))).toBe(413);
  });

  it("turns an unreadable multipart body into a 400", async () => {
    const request = new Request("http://localhost/activation", { method: "POST", headers: { "Content-Type": "multipart/form-data; boundary=zzz" }, body: "--zzz\r\nbroken" });
    expect(await statusOf(readForm(request))).toBe(400);
  });
});
