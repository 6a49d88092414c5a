/*
 * Public entry of the claims feature for other features' server code: filing a claim (online or
 * on a member's behalf), recording its timeline, and ingesting a message of the claims mailbox.
 */
export { recordClaimEvent, submitClaim } from "./member/submit-claim.server";
export { ingestMessage } from "./email/email-intake.server";
/** The largest claim form accepted (two documents and the fields): the host's body limit of the filing paths. */
export { CLAIM_TOO_LARGE_MESSAGE, MAX_CLAIM_BODY_BYTES } from "./member/documents.server";
