/* Display helpers shared by the subscription's pages and the staff screens (no server code). */

export const ROLE_LABELS = { MEMBER: "Adhérent(e) principal(e)", SPOUSE: "Conjoint(e)", CHILD: "Enfant" } as const;

/** The flag staff see on a subscription one of whose NIRs was already known when it was signed. */
export const NIR_REVIEW_LABEL = "NIR déjà connu : à vérifier avant validation";
