import { ingestMessage } from "~/features/claims/index.server";
import { config } from "~/platform/config/env.server";
import type { DbOrTx } from "~/platform/db/client.server";
import { DEMO_KARIM, DEMO_MARIE } from "./demo-accounts";
import { simplePdf } from "~/platform/uploads/simple-pdf";

/** A raw RFC 5322 message for the demo triage queue (fixed text: the same every seed). */
function demoMessage(input: { id: string; from: string; subject: string; date: Date; text: string; attachment: { name: string; bytes: Buffer } | null }): Buffer {
  const encodedSubject = `=?UTF-8?B?${Buffer.from(input.subject).toString("base64")}?=`;
  const head = [
    `From: ${input.from}`,
    "To: remboursements@bascule.example",
    `Subject: ${encodedSubject}`,
    `Message-ID: <${input.id}@demo.bascule.example>`,
    `Date: ${input.date.toUTCString()}`,
    "MIME-Version: 1.0",
  ];
  const text = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", Buffer.from(input.text).toString("base64")];
  if (!input.attachment) return Buffer.from([...head, ...text, ""].join("\r\n"));
  const b = "demo-boundary";
  return Buffer.from(
    [
      ...head,
      `Content-Type: multipart/mixed; boundary="${b}"`,
      "",
      `--${b}`,
      ...text,
      `--${b}`,
      `Content-Type: application/pdf; name="${input.attachment.name}"`,
      `Content-Disposition: attachment; filename="${input.attachment.name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      input.attachment.bytes.toString("base64"),
      `--${b}--`,
      "",
    ].join("\r\n"),
  );
}

/**
 * Demo data: three messages waiting in the triage queue — an unknown sender, a member's message
 * whose "PDF" is an HTML page (with a hostile subject, to show it stays text), and one without a
 * reference. Ingested exactly as the poller would, in the seed's transaction.
 */
export async function seedDemoInboundEmails(tx: DbOrTx, now: Date): Promise<number> {
  const pdf = Buffer.from(simplePdf(["Facture", "Optique Morel — monture et verres", "Montant réglé : 320,00 €"]));
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const messages = [
    demoMessage({
      id: "demo-triage-1",
      from: "Jean Morel <jean.morel@exemple.org>",
      subject: "Remboursement lunettes",
      date: hoursAgo(30),
      text: "Bonjour,\nVoici la facture des lunettes de ma fille.\nBénéficiaire : Léa\nMontant payé : 320 €\nCordialement",
      attachment: { name: "facture-opticien.pdf", bytes: pdf },
    }),
    demoMessage({
      id: "demo-triage-2",
      from: `Marie Dupont <${DEMO_MARIE.email}>`,
      subject: `<script>alert("facture")</script> BAS-${DEMO_MARIE.memberNumber}`,
      date: hoursAgo(20),
      text: "Bonjour, ci-joint ma facture.",
      attachment: { name: "facture.pdf", bytes: Buffer.from("<html><body><script>alert(document.cookie)</script></body></html>") },
    }),
    demoMessage({
      id: "demo-triage-3",
      from: `Karim Benali <${DEMO_KARIM.email}>`,
      subject: "Facture kiné",
      date: hoursAgo(4),
      text: "Bonjour,\nJe vous envoie la facture de ma séance de kinésithérapie du 2 mars.\nMerci d’avance",
      attachment: { name: "kine-mars.pdf", bytes: pdf },
    }),
  ];
  let uid = 0;
  for (const source of messages) {
    uid += 1;
    await ingestMessage(tx, { uid, source, size: source.length, internalDate: null, envelopeMessageId: null }, { mailbox: "INBOX", uidValidity: 1, now, origin: config().publicOrigin });
  }
  return messages.length;
}
