import { parisYear } from "~/platform/time/paris";
/*
 * Claim numbers as members read them on the phone: RB-<year>-<7 digits>. The digits come from one
 * database sequence for every channel (online, e-mail, NOEMIE, paper), so two claims never share a
 * number; the year is the Paris civil year in which the claim was received.
 */

const CLAIM_NUMBER_PATTERN = /^RB-\d{4}-\d{7,}$/;

export function formatClaimNumber(receivedAt: Date, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError("claim sequence must be a positive integer");
  return `RB-${parisYear(receivedAt)}-${String(sequence).padStart(7, "0")}`;
}

export function isClaimNumber(value: string): boolean {
  return CLAIM_NUMBER_PATTERN.test(value);
}
