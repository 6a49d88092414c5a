/* Display helpers shared by the subscription's pages and the staff screens (no server code). */

export const ROLE_LABELS = { MEMBER: "Adhérent(e) principal(e)", SPOUSE: "Conjoint(e)", CHILD: "Enfant" } as const;
