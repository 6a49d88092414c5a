/* French display of quote figures, shared by the pages, the e-mail and the PDF. */

const dateFormat = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const instantFormat = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Paris" });

/** A civil date (yyyy-mm-dd) in words, e.g. « 1 mars 2027 ». */
export function civilDate(isoDate: string): string {
  return dateFormat.format(new Date(`${isoDate}T00:00:00Z`));
}

/** The Paris civil date of an instant, in words. */
export function parisDate(instant: Date): string {
  return instantFormat.format(instant);
}

const isoParis = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });

/** Today's Paris civil date as yyyy-mm-dd. */
export function parisToday(now: Date): string {
  return isoParis.format(now);
}

export const ROLE_LABELS = { MEMBER: "Adhérent", SPOUSE: "Conjoint", CHILD: "Enfant" } as const;
