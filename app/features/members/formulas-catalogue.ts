import type { guaranteeBasis } from "~/platform/db/schema";
import { GUARANTEE_CATEGORIES, type GuaranteeCategory } from "~/platform/db/schema/guarantee-values";
import { formatEuros } from "~/platform/format/euros";

/*
 * The four synthetic formulas and the regulatory amounts, as data (DOMAIN.md § Synthetic formulas
 * and § How a reimbursement is computed). The seed writes them to `formulas`, `guarantee_lines`
 * and `regulatory_parameters`; engines read them from the database, never from here, so that a
 * new version is a data change.
 */

export type GuaranteeBasis = (typeof guaranteeBasis.enumValues)[number];

export { GUARANTEE_CATEGORIES, type GuaranteeCategory };

/** One row of `guarantee_lines`, without its ids. Unused amounts stay undefined (NULL). */
export type GuaranteeLineSpec = {
  category: GuaranteeCategory;
  label: string;
  basis: GuaranteeBasis;
  ratePct?: number;
  amountCents?: number;
  maxCount?: number;
  maxDays?: number;
  ceilingCents?: number;
  periodMonths?: number;
  summary: string;
  sortOrder: number;
};

export type FormulaCode = "F1" | "F2" | "F3" | "F4";

export type FormulaSpec = {
  code: FormulaCode;
  name: string;
  description: string;
  tariffMultiplierPermille: number;
  isResponsible: boolean;
  validFrom: string;
  sortOrder: number;
  lines: readonly GuaranteeLineSpec[];
};

const LABELS: Record<GuaranteeCategory, string> = {
  "doctor-optam": "Médecins adhérents OPTAM",
  "doctor-non-optam": "Médecins non adhérents OPTAM",
  "pharmacy-65-30": "Médicaments remboursés à 65 % et 30 %",
  "pharmacy-15": "Médicaments remboursés à 15 %",
  "hospital-daily-fee": "Forfait journalier hospitalier",
  "hospital-private-room": "Chambre particulière",
  "dental-care": "Soins dentaires",
  "dental-prosthesis-100-sante": "Prothèses dentaires 100 % Santé",
  "dental-prosthesis-other": "Prothèses dentaires à tarifs maîtrisés ou libres",
  "optics-class-a": "Lunettes classe A (100 % Santé)",
  "optics-class-b": "Lunettes classe B (tarifs libres)",
  "hearing-class-1": "Aides auditives classe I (100 % Santé)",
  "hearing-class-2": "Aides auditives classe II",
  "alternative-medicine": "Médecines douces",
};


type Cover = Omit<GuaranteeLineSpec, "category" | "label" | "sortOrder">;

function percentOfBase(ratePct: number, what: string): Cover {
  return {
    basis: "PCT_BR_INCLUDING_SECU",
    ratePct,
    summary: `${what} remboursés jusqu’à ${ratePct} % de la base Sécu, part de l’Assurance Maladie comprise.`,
  };
}

function notCovered(summary: string): Cover {
  return { basis: "NONE", summary };
}

function full100Sante(what: string): Cover {
  return {
    basis: "FULL_100_SANTE",
    summary: `${what} : aucun reste à charge, dans la limite des prix plafonnés.`,
  };
}

/** One formula's column of the DOMAIN.md table. */
type Column = {
  doctorOptamPct: number;
  doctorNonOptamPct: number;
  pharmacy15Pct: number | null;
  privateRoomCentsPerDay: number | null;
  dentalCarePct: number;
  dentalOtherPct: number;
  dentalCeilingCents: number;
  opticsClassBCents: number;
  hearingClass2Cents: number | null;
  alternativeMedicine: { sessions: number; centsPerSession: number } | null;
};

function guaranteeLines(c: Column): GuaranteeLineSpec[] {
  const covers: Record<GuaranteeCategory, Cover> = {
    "doctor-optam": percentOfBase(c.doctorOptamPct, "Consultations et actes des médecins OPTAM"),
    "doctor-non-optam": percentOfBase(c.doctorNonOptamPct, "Consultations et actes des médecins non OPTAM"),
    "pharmacy-65-30": percentOfBase(100, "Médicaments à service médical rendu majeur ou modéré"),
    "pharmacy-15":
      c.pharmacy15Pct === null
        ? notCovered("Les médicaments remboursés à 15 % par la Sécu ne sont pas couverts par cette formule.")
        : percentOfBase(c.pharmacy15Pct, "Médicaments à service médical rendu faible"),
    "hospital-daily-fee": {
      basis: "REAL_COST",
      summary: "Forfait journalier hospitalier pris en charge intégralement, sans limite de durée.",
    },
    "hospital-private-room":
      c.privateRoomCentsPerDay === null
        ? notCovered("La chambre particulière n’est pas couverte par cette formule.")
        : {
            basis: "PER_DAY",
            amountCents: c.privateRoomCentsPerDay,
            maxDays: 60,
            periodMonths: 12,
            summary: `Chambre particulière : ${formatEuros(c.privateRoomCentsPerDay)} par jour, jusqu’à 60 jours par an.`,
          },
    "dental-care": percentOfBase(c.dentalCarePct, "Soins dentaires (détartrage, caries, dévitalisation)"),
    "dental-prosthesis-100-sante": full100Sante("Couronnes et bridges du panier 100 % Santé"),
    "dental-prosthesis-other": {
      basis: "PCT_BR_INCLUDING_SECU",
      ratePct: c.dentalOtherPct,
      ceilingCents: c.dentalCeilingCents,
      periodMonths: 12,
      summary:
        `Prothèses à tarifs maîtrisés ou libres remboursées jusqu’à ${c.dentalOtherPct} % de la base Sécu, ` +
        `dans la limite de ${formatEuros(c.dentalCeilingCents)} par an et par bénéficiaire.`,
    },
    "optics-class-a": full100Sante("Lunettes du panier 100 % Santé"),
    "optics-class-b": {
      basis: "FLAT_PER_PERIOD",
      amountCents: c.opticsClassBCents,
      maxCount: 1,
      periodMonths: 24,
      summary:
        `Jusqu’à ${formatEuros(c.opticsClassBCents)} par équipement (monture limitée à 100 €), ` +
        "un équipement tous les 2 ans, chaque année avant 16 ans ou si la vue change.",
    },
    "hearing-class-1": full100Sante("Aides auditives du panier 100 % Santé"),
    "hearing-class-2":
      c.hearingClass2Cents === null
        ? notCovered("Les aides auditives de classe II ne sont pas couvertes par cette formule.")
        : {
            basis: "FLAT_PER_PERIOD",
            amountCents: c.hearingClass2Cents,
            maxCount: 2,
            periodMonths: 48,
            summary: `Jusqu’à ${formatEuros(c.hearingClass2Cents)} par oreille, une aide auditive par oreille tous les 4 ans.`,
          },
    "alternative-medicine":
      c.alternativeMedicine === null
        ? notCovered("L’ostéopathie, la chiropraxie et l’acupuncture ne sont pas couvertes par cette formule.")
        : {
            basis: "FLAT_PER_PERIOD",
            amountCents: c.alternativeMedicine.centsPerSession,
            maxCount: c.alternativeMedicine.sessions,
            periodMonths: 12,
            summary:
              `${c.alternativeMedicine.sessions} séances par an d’ostéopathie, de chiropraxie ou d’acupuncture, ` +
              `${formatEuros(c.alternativeMedicine.centsPerSession)} par séance.`,
          },
  };
  return GUARANTEE_CATEGORIES.map((category, index) => ({
    category,
    label: LABELS[category],
    ...covers[category],
    sortOrder: index + 1,
  }));
}

/**
 * Valid from the 100 % Santé reform's last step (hearing aids, 2021): every contract, whatever its
 * start date, has been migrated to these responsible formulas.
 */
const FORMULAS_VALID_FROM = "2021-01-01";

export const FORMULAS: readonly FormulaSpec[] = [
  {
    code: "F1",
    name: "Essentielle",
    description: "L’essentiel : ticket modérateur, hospitalisation et équipements 100 % Santé sans reste à charge.",
    tariffMultiplierPermille: 750,
    isResponsible: true,
    validFrom: FORMULAS_VALID_FROM,
    sortOrder: 1,
    lines: guaranteeLines({
      doctorOptamPct: 100,
      doctorNonOptamPct: 100,
      pharmacy15Pct: null,
      privateRoomCentsPerDay: null,
      dentalCarePct: 100,
      dentalOtherPct: 125,
      dentalCeilingCents: 50_000,
      opticsClassBCents: 10_000,
      hearingClass2Cents: null,
      alternativeMedicine: null,
    }),
  },
  {
    code: "F2",
    name: "Équilibre",
    description: "Une couverture équilibrée : dépassements d’honoraires modérés, chambre particulière et dentaire.",
    tariffMultiplierPermille: 1000,
    isResponsible: true,
    validFrom: FORMULAS_VALID_FROM,
    sortOrder: 2,
    lines: guaranteeLines({
      doctorOptamPct: 150,
      doctorNonOptamPct: 130,
      pharmacy15Pct: 100,
      privateRoomCentsPerDay: 4_000,
      dentalCarePct: 125,
      dentalOtherPct: 200,
      dentalCeilingCents: 100_000,
      opticsClassBCents: 20_000,
      hearingClass2Cents: 40_000,
      alternativeMedicine: { sessions: 2, centsPerSession: 3_000 },
    }),
  },
  {
    code: "F3",
    name: "Confort",
    description:
      "Pour les soins plus coûteux : spécialistes, prothèses dentaires, lunettes et audition mieux remboursés.",
    tariffMultiplierPermille: 1350,
    isResponsible: true,
    validFrom: FORMULAS_VALID_FROM,
    sortOrder: 3,
    lines: guaranteeLines({
      doctorOptamPct: 200,
      doctorNonOptamPct: 180,
      pharmacy15Pct: 100,
      privateRoomCentsPerDay: 6_000,
      dentalCarePct: 150,
      dentalOtherPct: 300,
      dentalCeilingCents: 150_000,
      opticsClassBCents: 35_000,
      hearingClass2Cents: 80_000,
      alternativeMedicine: { sessions: 4, centsPerSession: 4_000 },
    }),
  },
  {
    code: "F4",
    name: "Excellence",
    description: "Notre meilleure couverture : dépassements d’honoraires, dentaire, optique et audition au plus haut.",
    tariffMultiplierPermille: 1800,
    isResponsible: true,
    validFrom: FORMULAS_VALID_FROM,
    sortOrder: 4,
    lines: guaranteeLines({
      doctorOptamPct: 300,
      doctorNonOptamPct: 200,
      pharmacy15Pct: 100,
      privateRoomCentsPerDay: 9_000,
      dentalCarePct: 200,
      dentalOtherPct: 400,
      dentalCeilingCents: 250_000,
      opticsClassBCents: 50_000,
      hearingClass2Cents: 120_000,
      alternativeMedicine: { sessions: 6, centsPerSession: 5_000 },
    }),
  },
];

/** One row of `regulatory_parameters`. Amounts in cents; `validTo` is the last day of validity. */
export type RegulatoryParameterSpec = {
  key: string;
  label: string;
  valueCents: number;
  validFrom: string;
  validTo?: string;
};

/** The day before an ISO date: a value stays valid until the eve of its successor. */
function dayBefore(iso: string): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** One parameter's successive values, oldest first, as `[cents, valid from]`. */
function history(
  key: string,
  label: string,
  values: readonly (readonly [number, string])[],
): RegulatoryParameterSpec[] {
  return values.map(([valueCents, validFrom], i) => {
    const next = values[i + 1];
    return { key, label, valueCents, validFrom, ...(next ? { validTo: dayBefore(next[1]) } : {}) };
  });
}

/**
 * Amounts set by law, with the dates they changed. Earlier values are kept so that care delivered
 * before a change is valued with the amount of its date; only the last two years really matter,
 * since older care is not reimbursed.
 */
export const REGULATORY_PARAMETERS: readonly RegulatoryParameterSpec[] = [
  ...history("participation-forfaitaire", "Participation forfaitaire par acte", [
    [100, "2005-01-01"],
    [200, "2024-05-15"],
  ]),
  ...history("participation-forfaitaire-daily-cap", "Participation forfaitaire : plafond par jour", [
    [400, "2008-01-01"],
  ]),
  ...history("participation-forfaitaire-yearly-cap", "Participation forfaitaire : plafond annuel", [
    [5_000, "2008-01-01"],
  ]),
  ...history("franchise-medicine-box", "Franchise par boîte de médicaments", [
    [50, "2008-01-01"],
    [100, "2024-03-31"],
  ]),
  ...history("franchise-paramedical-act", "Franchise par acte paramédical", [
    [50, "2008-01-01"],
    [100, "2024-03-31"],
  ]),
  ...history("franchise-transport", "Franchise par transport sanitaire", [
    [200, "2008-01-01"],
    [400, "2024-03-31"],
  ]),
  ...history("franchise-paramedical-daily-cap", "Franchises sur actes paramédicaux : plafond par jour", [
    [200, "2008-01-01"],
    [400, "2024-03-31"],
  ]),
  ...history("franchise-transport-daily-cap", "Franchises sur transports : plafond par jour", [
    [400, "2008-01-01"],
    [800, "2024-03-31"],
  ]),
  ...history("franchise-yearly-cap", "Franchises : plafond annuel", [[5_000, "2008-01-01"]]),
  ...history("forfait-journalier", "Forfait journalier hospitalier", [
    [1_800, "2010-01-01"],
    [2_000, "2018-01-01"],
  ]),
  ...history("forfait-journalier-psychiatry", "Forfait journalier en psychiatrie", [
    [1_350, "2010-01-01"],
    [1_500, "2018-01-01"],
  ]),
  ...history("hospital-heavy-act-threshold", "Seuil des actes lourds à l’hôpital", [[12_000, "2011-01-01"]]),
  ...history("hospital-heavy-act-flat-fee", "Participation forfaitaire sur les actes lourds", [
    [1_800, "2006-09-01"],
    [2_400, "2019-01-01"],
  ]),
  ...history("optics-frame-cap", "Prise en charge maximale d’une monture (contrat responsable)", [
    [10_000, "2020-01-01"],
  ]),
  // Contrat responsable: total cover of a classe B pair, Sécu included, by lens complexity
  // (1 = simple single-vision lenses … 6 = very complex progressive lenses).
  ...[42_000, 56_000, 61_000, 70_000, 75_000, 80_000].flatMap((cents, i) =>
    history(`optics-class-b-cap-${i + 1}`, `Lunettes classe B : prise en charge maximale (complexité ${i + 1})`, [
      [cents, "2020-01-01"],
    ]),
  ),
  // 100 % Santé: price limits of a classe A pair (frame and two lenses), by lens complexity.
  ...[9_500, 12_500, 16_500, 20_000, 26_000, 31_500].flatMap((cents, i) =>
    history(`optics-class-a-price-cap-${i + 1}`, `Lunettes classe A : prix limite de vente (complexité ${i + 1})`, [
      [cents, "2020-01-01"],
    ]),
  ),
  ...history("hearing-class-1-price-cap", "Aide auditive classe I : prix limite par oreille", [[95_000, "2021-01-01"]]),
  ...history("hearing-class-1-price-cap-under-20", "Aide auditive classe I : prix limite par oreille avant 20 ans", [
    [140_000, "2021-01-01"],
  ]),
  ...history("hearing-class-2-cover-cap", "Aide auditive classe II : prise en charge maximale par oreille, Sécu comprise", [
    [170_000, "2021-01-01"],
  ]),
  ...history("dental-crown-100-sante-price-cap", "Couronne du panier 100 % Santé : prix limite de facturation", [
    [50_000, "2020-01-01"],
  ]),
];
