import { createContactChallenge } from "~/features/contact/proof-of-work.server";

/*
 * A fresh proof-of-work challenge for the contact form, fetched by the browser when the visitor
 * sends the form. Nothing about the visitor goes into it and nothing is stored: the challenge
 * is signed, so the server recognises it when it comes back.
 */
export async function loader() {
  const challenge = await createContactChallenge();
  return Response.json(challenge, { headers: { "Cache-Control": "no-store" } });
}
