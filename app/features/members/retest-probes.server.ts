import { type Probe, pageProbe } from "~/features/switchboard";

/** Re-test probes of `espace-adherent`: the tester's dashboard greets them and the security page answers. */
export const MEMBER_AREA_RETEST_PROBES: readonly Probe[] = [
  pageProbe("Tableau de bord de l’espace adhérent", "/espace", { text: "Bonjour", what: "le message d’accueil « Bonjour »" }),
  pageProbe("Page « Sécurité du compte »", "/espace/securite"),
];
