/* French display of quote figures, shared by the pages, the e-mail and the PDF. */

export const ROLE_LABELS = { MEMBER: "Adhérent", SPOUSE: "Conjoint", CHILD: "Enfant" } as const;
