/*
 * The online subscription's steps, in order, and what the progress indicator shows. Pure: the
 * routes ask this module where a draft may go, the draft's stored data answers.
 */

export const STEPS = [
  { key: "devis", path: "/adhesion", label: "Votre devis" },
  { key: "personnes", path: "/adhesion/personnes", label: "Personnes à protéger" },
  { key: "adresse", path: "/adhesion/adresse", label: "Adresse et contact" },
  { key: "banque", path: "/adhesion/banque", label: "Compte bancaire et mandat" },
  { key: "documents", path: "/adhesion/documents", label: "Date d’effet et documents" },
  { key: "signature", path: "/adhesion/signature", label: "Signature" },
] as const;

export type StepKey = (typeof STEPS)[number]["key"];

const STEP_KEYS: readonly StepKey[] = STEPS.map((s) => s.key);

function stepIndex(key: StepKey): number {
  return STEP_KEYS.indexOf(key);
}

export function stepPath(key: StepKey): string {
  return STEPS[stepIndex(key)]!.path;
}

/** Which steps a draft has completed, from the data it holds. */
export type StepCompletion = Partial<Record<StepKey, boolean>>;

/**
 * The furthest step a draft may open: every step before it is complete. A prospect can always go
 * back to a completed step; jumping ahead past a missing one is not possible.
 */
export function furthestReachable(done: StepCompletion): StepKey {
  for (const key of STEP_KEYS) if (!done[key]) return key;
  return "signature";
}

export function canOpen(step: StepKey, done: StepCompletion): boolean {
  return stepIndex(step) <= stepIndex(furthestReachable(done));
}

/** The step after `key` (signature is last). */
export function nextStep(key: StepKey): StepKey {
  return STEP_KEYS[Math.min(stepIndex(key) + 1, STEP_KEYS.length - 1)]!;
}

export type ProgressItem = {
  key: StepKey;
  label: string;
  path: string;
  number: number;
  state: "done" | "current" | "upcoming";
  /** A link is offered to completed steps and the current one's predecessors only. */
  linkable: boolean;
};

export type Progress = { current: number; total: number; caption: string; items: ProgressItem[] };

export function progressFor(current: StepKey, done: StepCompletion): Progress {
  const currentIndex = stepIndex(current);
  const items = STEPS.map((s, i): ProgressItem => {
    const state = i === currentIndex ? "current" : done[s.key] ? "done" : "upcoming";
    return { key: s.key, label: s.label, path: s.path, number: i + 1, state, linkable: state !== "current" && canOpen(s.key, done) };
  });
  return { current: currentIndex + 1, total: STEPS.length, caption: `Étape ${currentIndex + 1} sur ${STEPS.length}`, items };
}
