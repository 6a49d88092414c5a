/*
 * Bascule's one rendering of an amount of money: French, always with cents, exactly as
 * `Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" })` writes it — « 40,00 € »,
 * « 1 234,50 € » (narrow no-break space between thousands, no-break space before the sign).
 * Written by hand rather than through Intl because the claims engine formats several amounts per
 * line at 100,000 lines a second; a property test keeps it identical to Intl.
 */

const NARROW_NBSP = "\u202f";
const NBSP = "\u00a0";

/** An amount in euro cents, e.g. `formatEuros(4000)` → « 40,00 € ». */
export function formatEuros(cents: number): string {
  const rounded = Math.round(cents);
  const abs = Math.abs(rounded);
  const whole = Math.floor(abs / 100);
  const rest = abs % 100;
  let digits = String(whole);
  if (whole >= 1000) {
    let grouped = "";
    while (digits.length > 3) {
      grouped = `${NARROW_NBSP}${digits.slice(-3)}${grouped}`;
      digits = digits.slice(0, -3);
    }
    digits += grouped;
  }
  return `${rounded < 0 ? "-" : ""}${digits},${rest < 10 ? "0" : ""}${rest}${NBSP}€`;
}
