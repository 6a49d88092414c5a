import { ACTIVATION_RETEST_PROBES } from "~/features/accounts/retest-probes.server";
import { CLAIMS_RETEST_PROBES } from "~/features/claims/retest-probes.server";
import { CONTACT_RETEST_PROBES } from "~/features/contact/retest-probes.server";
import { MEMBER_AREA_RETEST_PROBES } from "~/features/members/retest-probes.server";
import { QUOTE_PROBES } from "~/features/quotes/retest-probes.server";
import { SUBSCRIPTION_RETEST_PROBES } from "~/features/subscriptions/retest-probes.server";
import { type ProbeRegistry, entryProbe } from "~/features/switchboard";

/*
 * The re-test probes of every online service, assembled here at the composition root like the
 * route table: each feature owns the probes of its service, the switchboard receives this registry
 * and knows only service keys. Adding a service to the catalogue without its probes is a type
 * error here.
 */
export const RETEST_PROBES: ProbeRegistry = {
  "devis-en-ligne": QUOTE_PROBES,
  "adhesion-en-ligne": SUBSCRIPTION_RETEST_PROBES,
  "espace-adherent": MEMBER_AREA_RETEST_PROBES,
  "remboursements-en-ligne": CLAIMS_RETEST_PROBES,
  // The pages of these two services are still to be built: their entry page must answer first.
  "coordonnees-bancaires": [entryProbe("coordonnees-bancaires")],
  documents: [entryProbe("documents")],
  "formulaire-contact": CONTACT_RETEST_PROBES,
  "activation-compte": ACTIVATION_RETEST_PROBES,
};
