import { describe, expect, it } from "vitest";
import { parseConfig } from "~/platform/config/env.server";

const PROD_KEYS = {
  BASCULE_ENV: "production",
  BASCULE_ENCRYPTION_KEYS: `prod1:${Buffer.alloc(32, 1).toString("base64")}`,
  BASCULE_BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString("base64"),
  SEPA_CREDITOR_ID: "FR15ZZZ832000",
  PUBLIC_ORIGIN: "https://bascule.example",
  METRICS_TOKEN: "metrics-token-of-the-tests",
};

describe("the debtor account of payment files (PAYMENTS_DEBTOR_*)", () => {
  it("is a valid synthetic account outside production", () => {
    expect(parseConfig({ BASCULE_ENV: "demo" }).paymentsDebtor).toEqual({
      name: "Mutuelle Bascule",
      iban: "FR7630006000011234567890189",
      bic: "BASCFRPPXXX",
    });
  });

  it("is never the demo account in production: absent, no payment file can be produced", () => {
    expect(parseConfig(PROD_KEYS).paymentsDebtor).toBeNull();
    const configured = parseConfig({
      ...PROD_KEYS,
      PAYMENTS_DEBTOR_NAME: "Bascule mutuelle",
      PAYMENTS_DEBTOR_IBAN: "FR14 2004 1010 0505 0001 3M02 606",
      PAYMENTS_DEBTOR_BIC: "psstfrpp",
    });
    expect(configured.paymentsDebtor).toEqual({ name: "Bascule mutuelle", iban: "FR1420041010050500013M02606", bic: "PSSTFRPP" });
  });

  it("stops the process on a partial or invalid account", () => {
    expect(() => parseConfig({ PAYMENTS_DEBTOR_IBAN: "FR7630006000011234567890189" })).toThrow(/together/);
    expect(() =>
      parseConfig({
        PAYMENTS_DEBTOR_NAME: "Bascule",
        PAYMENTS_DEBTOR_IBAN: "FR7630006000011234567890188",
        PAYMENTS_DEBTOR_BIC: "PSSTFRPP",
      }),
    ).toThrow(/PAYMENTS_DEBTOR_IBAN/);
    expect(() =>
      parseConfig({ PAYMENTS_DEBTOR_NAME: "Bascule", PAYMENTS_DEBTOR_IBAN: "FR7630006000011234567890189", PAYMENTS_DEBTOR_BIC: "PSST" }),
    ).toThrow(/PAYMENTS_DEBTOR_BIC/);
  });
});
