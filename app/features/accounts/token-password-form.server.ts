import { type AppLoadContext, data } from "react-router";
import { ipHashOf } from "~/platform/auth/guards.server";
import { PASSWORD_MESSAGES, type PasswordProblem } from "~/platform/auth/password-rules";
import { parseForm, readForm } from "~/platform/http/form.server";
import { HIDDEN_PASSWORD_FIELDS } from "./ui/token-password-page";
import { newPasswordSchema } from "./schemas";

export type TokenPasswordInput = { token: string; password: string; client: { ipHash: string; userAgent: string | null } };

export type TokenPasswordOutcome<Done> = { kind: "invalid-token" } | { kind: "weak-password"; problem: PasswordProblem } | Done;

/**
 * The action behind a single-use e-mailed link that ends with choosing a password (account
 * activation, password reset): validates the form, lets `complete` consume the token, and
 * answers 400 with the French message of an unusable link or a weak password — the password
 * fields are never sent back. On success, `done` gives the response (a redirect), thrown.
 */
export async function tokenPasswordAction<Done extends { kind: string }>(
  args: { request: Request; context: AppLoadContext; token: string },
  options: {
    complete: (input: TokenPasswordInput) => Promise<TokenPasswordOutcome<Done>>;
    invalidTokenMessage: string;
    done: (outcome: Done) => Response;
  },
) {
  const form = await readForm(args.request);
  const submission = parseForm(form, newPasswordSchema);
  if (submission.status !== "success") return data({ result: submission.reply(HIDDEN_PASSWORD_FIELDS) }, { status: 400 });
  const outcome = await options.complete({
    token: args.token,
    password: submission.value.password,
    client: { ipHash: ipHashOf(args.context), userAgent: args.request.headers.get("user-agent") },
  });
  if (outcome.kind === "invalid-token") {
    return data({ result: submission.reply({ formErrors: [options.invalidTokenMessage], ...HIDDEN_PASSWORD_FIELDS }) }, { status: 400 });
  }
  if (outcome.kind === "weak-password") {
    const { problem } = outcome as { kind: "weak-password"; problem: PasswordProblem };
    return data({ result: submission.reply({ fieldErrors: { password: [PASSWORD_MESSAGES[problem]] }, ...HIDDEN_PASSWORD_FIELDS }) }, { status: 400 });
  }
  throw options.done(outcome as Done);
}
