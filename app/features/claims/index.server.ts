/*
 * Public entry of the claims feature for other features' server code: filing a claim (online or
 * on a member's behalf), recording its timeline, and ingesting a message of the claims mailbox.
 */
export { recordClaimEvent, submitClaim } from "./member/submit-claim.server";
export { ingestMessage } from "./email/email-intake.server";
