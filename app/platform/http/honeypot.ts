/**
 * Name of the honeypot field of public forms: hidden from people (and from assistive
 * technologies), filled in by bots. The page renders it (`ui/form`), the server refuses any
 * submission where it is not empty (`form.server`).
 */
export const HONEYPOT_FIELD = "site_web";
