import { type Probe, pageProbe, probeRequest, unexpectedResponse } from "~/features/switchboard";
import { HONEYPOT_FIELD } from "~/platform/http/honeypot";

/*
 * Re-test probes of `activation-compte`: the form has its member-number field, and a request for a
 * member number nobody can have gets the neutral answer (and sends nothing).
 */

/** A member number no member can have (members' start with A): activation must answer neutrally. */
const UNKNOWN_MEMBER_NUMBER = "Z00000000";
const NEUTRAL_ACTIVATION_TEXT = "Si ces informations correspondent à un adhérent";

const activationRequestProbe: Probe = {
  name: "Demande d’activation pour un numéro d’adhérent inconnu (réponse neutre, aucun envoi)",
  async run(ctx) {
    const body = new URLSearchParams({ memberNumber: UNKNOWN_MEMBER_NUMBER, birthDate: "1970-01-01", [HONEYPOT_FIELD]: "" });
    const response = await probeRequest(ctx, "/activation", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(ctx.baseUrl).origin },
      body: body.toString(),
    });
    const html = await response.text();
    if (response.status !== 200) return { passed: false, detail: unexpectedResponse("POST", "/activation", response) };
    if (!html.includes(NEUTRAL_ACTIVATION_TEXT)) {
      return { passed: false, detail: "POST /activation a répondu 200 sans le message de confirmation neutre." };
    }
    return { passed: true, detail: "POST /activation : 200 et message de confirmation neutre (aucun courriel pour un adhérent inconnu)." };
  },
};

export const ACTIVATION_RETEST_PROBES: readonly Probe[] = [
  pageProbe("Formulaire d’activation", "/activation", { text: 'name="memberNumber"', what: "le champ « Numéro d’adhérent »" }),
  activationRequestProbe,
];
