import { DEMO_KARIM, DEMO_MARIE, DEMO_PASSWORD, DEMO_STAFF, DEMO_TESTER, DEMO_TOTP_SECRET, type DemoStaffRole } from "./demo-accounts";

/*
 * What a developer sees last when the demo starts on a terminal: where Bascule answers and how to
 * sign in. Every account and secret comes from demo-accounts.ts, the one list the seed uses.
 */

const STAFF_ROLE: Record<DemoStaffRole, string> = {
  CLAIMS_HANDLER: "claims handler",
  ADMIN: "administrator",
};

export function demoStartupBanner(input: { origin: string; color: boolean }): string {
  const bold = (text: string) => (input.color ? `\x1b[1m${text}\x1b[0m` : text);
  const accounts: [string, string][] = [
    [DEMO_MARIE.email, `member, family contract ${DEMO_MARIE.formulaCode}`],
    [DEMO_KARIM.email, `member, employer's contract ${DEMO_KARIM.formulaCode}`],
    [DEMO_TESTER.email, "member, the switchboard's re-test account"],
    ...DEMO_STAFF.map((s): [string, string] => [s.email, `${STAFF_ROLE[s.role]}, TOTP`]),
  ];
  const width = Math.max(...accounts.map(([email]) => email.length));
  return [
    "",
    `  ${bold("Bascule is ready:")} ${bold(input.origin)}`,
    "",
    `  Demo accounts, password ${bold(DEMO_PASSWORD)}:`,
    ...accounts.map(([email, who]) => `    ${email.padEnd(width)}  ${who}`),
    `  Staff TOTP code: ${bold("npm run demo:totp")} (or add ${DEMO_TOTP_SECRET} to an authenticator app).`,
    "  Stop with Ctrl-C.",
    "",
  ].join("\n");
}
