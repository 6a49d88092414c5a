import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchDueMail } from "~/platform/mail/dispatcher.server";
import { enqueueMail } from "~/platform/mail/outbox.server";
import {
  createDemoTransport,
  createTransportFromConfig,
  demoMailFileName,
  type OutboundMessage,
} from "~/platform/mail/transports.server";
import { createTestDatabase, type TestDatabase } from "./support/test-db";

/*
 * The demo transport writes what SMTP would have sent. The files are parsed here with a minimal
 * RFC 5322 / RFC 2047 / quoted-printable reader, enough for single-part text messages.
 */

function parseEml(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf("\r\n\r\n");
  expect(split).toBeGreaterThan(0);
  const headers = new Map<string, string>();
  for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

function decodeQuotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "=" && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, "utf8"));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words; whitespace between two adjacent encoded words is not part of the text. */
function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, charset: string, encoding: string, text: string) => {
      expect(charset.toLowerCase()).toBe("utf-8");
      return encoding.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintableBytes(text.replace(/_/g, " ")).toString("utf8");
    });
}

function decodeBody(body: string, transferEncoding: string | undefined): string {
  if (transferEncoding === "quoted-printable") return decodeQuotedPrintableBytes(body.replace(/=\r\n/g, "")).toString("utf8");
  if (transferEncoding === "base64") return Buffer.from(body, "base64").toString("utf8");
  return body;
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "bascule-mail-"));
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

const subject = "Activez votre accès à l’espace adhérent — Bascule";
const text = [
  "Bonjour Hélène,",
  "",
  "Pour activer votre compte, ouvrez ce lien (valable 24 heures, utilisable une seule fois) :",
  "https://bascule.example/activation/0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz",
  "",
  "Cordialement,",
  "L’équipe de la mutuelle Bascule",
].join("\n");

function message(id: string): OutboundMessage {
  return {
    id,
    messageId: `<${id.replaceAll("-", "")}@bascule.example>`,
    from: "Bascule <ne-pas-repondre@bascule.example>",
    to: "helene.dupre@exemple.fr",
    subject,
    text,
    createdAt: new Date("2025-03-04T09:08:07.000Z"),
  };
}

describe("demo mail transport", () => {
  it("writes each message as a parseable RFC 822 file named after its date and id", async () => {
    const transport = createDemoTransport(dataDir);
    const sent = message("7c2f1e0a-4b7d-4c1e-9a57-0d3b2f6e8a11");

    await transport.send(sent);

    const file = path.join(dataDir, "mail", "2025-03-04T09-08-07.000Z-7c2f1e0a-4b7d-4c1e-9a57-0d3b2f6e8a11.eml");
    expect(demoMailFileName(sent)).toBe(path.basename(file));
    const raw = await fs.readFile(file, "utf8");
    // A mail header is 7-bit: accents are carried by encoded words.
    expect(raw.slice(0, raw.indexOf("\r\n\r\n"))).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    const { headers, body } = parseEml(raw);
    expect(decodeHeader(headers.get("subject") ?? "")).toBe(subject);
    expect(headers.get("to")).toBe("helene.dupre@exemple.fr");
    expect(decodeHeader(headers.get("from") ?? "")).toBe("Bascule <ne-pas-repondre@bascule.example>");
    expect(headers.get("message-id")).toBe(sent.messageId);
    expect(new Date(headers.get("date") ?? "").getTime()).toBe(sent.createdAt.getTime());
    expect(headers.get("content-type")).toMatch(/^text\/plain; charset=utf-8/i);
    expect(decodeBody(body, headers.get("content-transfer-encoding")).replace(/\r\n/g, "\n").trimEnd()).toBe(text);
  });

  it("does not rewrite a message already on disk and leaves no temporary file", async () => {
    const transport = createDemoTransport(dataDir);
    const sent = message("0e9d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b");
    await transport.send(sent);
    const file = path.join(dataDir, "mail", demoMailFileName(sent));
    const before = await fs.stat(file);

    await transport.send({ ...sent, subject: "Autre objet" });

    expect((await fs.stat(file)).mtimeMs).toBe(before.mtimeMs);
    expect(await fs.readFile(file, "utf8")).not.toContain("Autre objet");
    expect((await fs.readdir(path.join(dataDir, "mail"))).filter((f) => !f.endsWith(".eml"))).toEqual([]);
  });

  it("is chosen when no SMTP relay is configured and file copies are allowed (demo mode), never otherwise", () => {
    expect(createTransportFromConfig({ smtpUrl: undefined, dataDir, mailFileCopies: true })?.name).toBe("demo");
    expect(createTransportFromConfig({ smtpUrl: undefined, dataDir, mailFileCopies: false })).toBeUndefined();
    expect(createTransportFromConfig({ smtpUrl: "smtp://relay.example:587", dataDir, mailFileCopies: false })?.name).toBe("smtp");
  });
});

describe("demo delivery from the outbox", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("turns a queued message into a file once, whatever the number of dispatches", async () => {
    const outboxDir = path.join(dataDir, "outbox");
    const transport = createDemoTransport(outboxDir);
    const id = await enqueueMail(t.db, { to: "helene.dupre@exemple.fr", subject, text, template: "auth.activation" });
    const options = { batchSize: 10, from: "Bascule <ne-pas-repondre@bascule.example>" };

    expect(await dispatchDueMail(t.db, transport, { ...options, now: new Date() })).toEqual({ sent: 1, failed: 0, dead: 0 });
    expect(await dispatchDueMail(t.db, transport, { ...options, now: new Date() })).toEqual({ sent: 0, failed: 0, dead: 0 });

    const files = await fs.readdir(path.join(outboxDir, "mail"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z-${id}\\.eml$`));
  });
});
