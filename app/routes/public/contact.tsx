import { getCollectionProps, getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { type FormEvent, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { data, Form, useNavigation } from "react-router";
import { loadContactPrefill } from "~/features/contact/load-contact-prefill.server";
import { encodePowPayload, powChallengeSchema } from "~/features/contact/proof-of-work";
import { PowUnavailableError, solvePow } from "~/features/contact/pow-client";
import { CATEGORY_LABELS, CONTACT_CATEGORIES, contactSchema, MESSAGE_MAX_LENGTH, MESSAGE_MIN_LENGTH, POW_FIELD } from "~/features/contact/schemas";
import { countContactAttempt, submitContact } from "~/features/contact/submit-contact.server";
import { auditActorOf, getSignedIn, ipHashOf } from "~/platform/auth/guards.server";
import { db } from "~/platform/db/client.server";
import { parseForm, readForm, rejectBots } from "~/platform/http/form.server";
import { FieldError, FormErrors, Honeypot, SubmitButton, TextField } from "~/ui/form";
import { INSURER } from "~/ui/insurer";
import { Alert, PageHeader } from "~/ui/layout";
import type { Route } from "./+types/contact";

export const meta = () => [{ title: "Nous écrire — Bascule" }];

/*
 * The most exposed form of the portal (docs/decisions/009-contact-form.md). A message is at most
 * 3,000 characters, so 40 KiB covers it even written entirely in emoji, percent-encoded.
 */
const MAX_BODY_BYTES = 40 * 1024;

const ALTERNATIVES = `appelez-nous au ${INSURER.phone} (${INSURER.phoneHours}) ou écrivez-nous : ${INSURER.postalAddress}`;

const POW_ERRORS = {
  "pow-missing": `Ce formulaire a besoin de JavaScript pour sa vérification anti-robot, qui n’a pas pu se faire. Activez JavaScript et renvoyez votre message, ou ${ALTERNATIVES}.`,
  "pow-invalid": "La vérification anti-robot n’a pas abouti. Renvoyez votre message : une nouvelle vérification sera faite.",
  "pow-expired": "La vérification anti-robot a expiré. Renvoyez votre message : une nouvelle vérification sera faite.",
  "pow-replayed": "Cette vérification anti-robot a déjà servi. Renvoyez votre message : une nouvelle vérification sera faite.",
} as const;

export async function loader(args: Route.LoaderArgs) {
  const signedIn = await getSignedIn(args);
  if (!signedIn) return { signedIn: false as const, prefill: null };
  return { signedIn: true as const, prefill: await loadContactPrefill(db(), signedIn.user) };
}

export async function action(args: Route.ActionArgs) {
  const { request, context } = args;
  // Browsers always announce the size of a form; a body of unknown length is not read at all.
  if (!request.headers.get("content-length")) throw data({ message: "La taille du formulaire envoyé est inconnue." }, { status: 411 });
  const form = await readForm(request, MAX_BODY_BYTES);
  rejectBots(form);
  const ipHash = ipHashOf(context);
  const waitAttempts = await countContactAttempt(db(), ipHash);
  const submission = parseForm(form, contactSchema);
  if (waitAttempts > 0) {
    return data(
      { result: submission.reply({ formErrors: [`Trop d’envois depuis votre connexion. Réessayez dans ${Math.ceil(waitAttempts / 60)} minutes, ou ${ALTERNATIVES}.`] }), sent: null },
      { status: 429, headers: { "Retry-After": String(waitAttempts) } },
    );
  }
  if (submission.status !== "success") return data({ result: submission.reply(), sent: null }, { status: 400 });
  const signedIn = await getSignedIn(args);
  const { [POW_FIELD]: pow, ...fields } = submission.value;
  const outcome = await submitContact(db(), {
    ...fields,
    pow,
    sender: signedIn ? auditActorOf(signedIn.user) : null,
    client: { ipHash },
  });
  switch (outcome.kind) {
    case "sent":
      return { result: submission.reply({ resetForm: true }), sent: { reference: outcome.reference, category: CATEGORY_LABELS[outcome.category] } };
    case "throttled":
      return data(
        { result: submission.reply({ formErrors: [`Vous nous avez déjà écrit plusieurs fois dans l’heure. Réessayez plus tard, ou ${ALTERNATIVES}.`] }), sent: null },
        { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
      );
    case "unavailable":
      return data(
        { result: submission.reply({ formErrors: [`Votre message n’a pas pu être enregistré et n’a pas été envoyé. Copiez-le, puis ${ALTERNATIVES}.`] }), sent: null },
        { status: 503 },
      );
    default:
      return data({ result: submission.reply({ formErrors: [POW_ERRORS[outcome.kind]] }), sent: null }, { status: 400 });
  }
}

/** The page's script has run (false in the server's HTML and while hydrating). */
const noSubscription = () => () => undefined;

type PowState = { kind: "idle" } | { kind: "solving" } | { kind: "error"; message: string };

/*
 * What the visitor is writing is kept in this tab's sessionStorage (never sent anywhere, gone when
 * the tab closes) until the message is accepted: if the form is closed or the page reloaded while
 * they write, coming back to the form gives them their text again.
 */
const DRAFT_KEY = "bascule.contact.brouillon";
type Draft = { category?: string; message?: string };

function readDraft(): Draft | null {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(DRAFT_KEY) ?? "null");
    if (!parsed || typeof parsed !== "object") return null;
    const { category, message } = parsed as Record<string, unknown>;
    return {
      category: typeof category === "string" && (CONTACT_CATEGORIES as readonly string[]).includes(category) ? category : undefined,
      message: typeof message === "string" ? message.slice(0, MESSAGE_MAX_LENGTH * 2) : undefined,
    };
  } catch {
    return null;
  }
}

function saveDraft(form: HTMLFormElement): void {
  const data = new FormData(form);
  const draft: Draft = { category: String(data.get("category") ?? ""), message: String(data.get("message") ?? "") };
  try {
    if (draft.message || draft.category) sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    else sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // Storage full or disabled: the draft is a convenience, the form works without it.
  }
}

function clearDraft(): void {
  try {
    sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // See saveDraft.
  }
}

class ServiceClosedError extends Error {}

async function fetchAndSolve(signal: AbortSignal): Promise<string> {
  const response = await fetch("/contact/defi", { headers: { Accept: "application/json" }, cache: "no-store", signal });
  // The switchboard closed the form while the visitor was writing.
  if (response.status === 503) throw new ServiceClosedError();
  if (!response.ok) throw new Error(`challenge: HTTP ${response.status}`);
  const challenge = powChallengeSchema.parse(await response.json());
  const solution = await solvePow(challenge, signal);
  if (!solution) throw new Error("challenge not solved");
  return encodePowPayload({ challenge, solution });
}

export default function Contact({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation();
  const { signedIn, prefill } = loaderData;
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    defaultValue: prefill ? { email: prefill.email, memberNumber: prefill.memberNumber ?? "" } : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: contactSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  const formRef = useRef<HTMLFormElement>(null);
  const powRef = useRef<HTMLInputElement>(null);
  const sentRef = useRef<HTMLDivElement>(null);
  const [pow, setPow] = useState<PowState>({ kind: "idle" });
  // Shown until the page's script runs: <noscript> is not enough, since a browser may have
  // scripting on for the parser yet never run our bundle (blocked, failed to load, too old).
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    // After the first paint, once: later renders must not overwrite what the visitor types.
    const frame = requestAnimationFrame(() => {
      const draft = readDraft();
      if (!draft?.message) return;
      form.update({ name: fields.message.name, value: draft.message });
      if (draft.category) form.update({ name: fields.category.name, value: draft.category });
      setRestored(true);
    });
    return () => cancelAnimationFrame(frame);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Each answer from the server consumes the proof: the next send solves a new challenge.
  useEffect(() => {
    if (powRef.current) powRef.current.value = "";
    if (actionData?.sent) {
      clearDraft();
      sentRef.current?.focus();
    }
  }, [actionData]);

  // A search still running when the visitor leaves the page is abandoned.
  const solving = useRef<AbortController | null>(null);
  useEffect(() => () => solving.current?.abort(), []);

  const conformSubmit = getFormProps(form).onSubmit;
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    conformSubmit(event);
    if (event.defaultPrevented || signedIn || powRef.current?.value) return;
    event.preventDefault();
    if (pow.kind === "solving") return;
    setPow({ kind: "solving" });
    solving.current = new AbortController();
    fetchAndSolve(solving.current.signal)
      .then((payload) => {
        if (powRef.current) powRef.current.value = payload;
        setPow({ kind: "idle" });
        formRef.current?.requestSubmit();
      })
      .catch((err: unknown) => {
        setPow({
          kind: "error",
          message:
            err instanceof ServiceClosedError
              ? `Le formulaire de contact vient d’être fermé temporairement : votre message n’a été ni envoyé ni enregistré. Il reste affiché dans le formulaire : copiez-le, puis ${ALTERNATIVES}.`
              : err instanceof PowUnavailableError
                ? `Votre navigateur ne permet pas la vérification anti-robot sur cette page. Utilisez un navigateur récent, ou ${ALTERNATIVES}.`
                : `La vérification anti-robot n’a pas abouti. Réessayez dans un instant, ou ${ALTERNATIVES}.`,
        });
      });
  }

  const submitting = navigation.state === "submitting" || pow.kind === "solving";
  const messageHintId = `${fields.message.id}-hint`;
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader
        title="Nous écrire"
        lead="Une question sur votre contrat, un remboursement, une adhésion ? Écrivez-nous : un conseiller vous répond par e-mail."
      />
      {actionData?.sent ? (
        <div ref={sentRef} tabIndex={-1}>
          <Alert tone="success" role="status" title="Votre message est bien enregistré">
            <p>
              Sa référence est <strong>{actionData.sent.reference}</strong> (sujet : {actionData.sent.category}). Un e-mail de confirmation
              vient de vous être envoyé ; il ne reprend pas le contenu de votre message. Un conseiller vous répondra à cette adresse.
            </p>
          </Alert>
        </div>
      ) : null}
      {signedIn || hydrated ? null : (
        <Alert tone="warning" title="JavaScript est nécessaire pour envoyer ce formulaire">
          Le formulaire fait faire à votre navigateur un petit calcul anti-robot, sans cookie ni traceur, qui demande JavaScript.
          Sans JavaScript, {ALTERNATIVES}.
        </Alert>
      )}
      {restored && !actionData?.sent ? (
        <Alert role="status">Nous avons retrouvé le message que vous aviez commencé à écrire dans cet onglet : relisez-le avant de l’envoyer.</Alert>
      ) : null}
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form
        method="post"
        {...getFormProps(form)}
        onSubmit={onSubmit}
        onInput={(event) => saveDraft(event.currentTarget)}
        onChange={(event) => saveDraft(event.currentTarget)}
        ref={formRef}
        className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      >
        <p className="mb-5 text-sm text-muted">Les champs marqués d’un astérisque (*) sont obligatoires.</p>
        <fieldset
          className="mb-5"
          aria-describedby={fields.category.errors?.length ? fields.category.errorId : undefined}
        >
          <legend className="font-medium text-ink">
            Sujet de votre message<span aria-hidden="true"> *</span>
          </legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {getCollectionProps(fields.category, { type: "radio", options: [...CONTACT_CATEGORIES], ariaAttributes: true }).map(({ key, ...props }) => (
              <div key={key} className="flex items-center gap-2">
                <input {...props} className="h-4 w-4 accent-brand-700" />
                <label htmlFor={props.id} className="text-ink">
                  {CATEGORY_LABELS[props.value as (typeof CONTACT_CATEGORIES)[number]]}
                </label>
              </div>
            ))}
          </div>
          <FieldError id={fields.category.errorId} errors={fields.category.errors} />
        </fieldset>

        <div className="mb-5">
          <label htmlFor={fields.message.id} className="block font-medium text-ink">
            Votre message<span aria-hidden="true"> *</span>
          </label>
          <p id={messageHintId} className="mt-1 text-sm text-muted">
            Entre {MESSAGE_MIN_LENGTH} et {MESSAGE_MAX_LENGTH.toLocaleString("fr-FR")} caractères. N’y indiquez ni votre numéro de sécurité
            sociale, ni vos coordonnées bancaires, ni d’informations médicales détaillées : nous vous les demanderons, si besoin, par
            un moyen sûr. Ce formulaire n’accepte pas de pièce jointe.
          </p>
          {(() => {
            const { key, ...textareaProps } = getTextareaProps(fields.message, { ariaAttributes: true });
            return (
              <textarea
                key={key}
                {...textareaProps}
                required
                rows={8}
                aria-describedby={[messageHintId, fields.message.errors?.length ? fields.message.errorId : null].filter(Boolean).join(" ")}
                className="mt-2 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-base text-ink aria-[invalid=true]:border-2 aria-[invalid=true]:border-danger"
              />
            );
          })()}
          <FieldError id={fields.message.errorId} errors={fields.message.errors} />
        </div>

        <TextField
          meta={fields.email}
          label="Votre adresse e-mail"
          type="email"
          autoComplete="email"
          required
          hint="Nous vous répondrons à cette adresse. Elle ne sert qu’à traiter votre message."
        />
        <TextField
          meta={fields.memberNumber}
          label="Numéro d’adhérent (facultatif)"
          autoComplete="off"
          hint="Si vous êtes adhérent : il figure sur votre carte de tiers payant, par exemple A00000018."
        />
        {signedIn ? null : <input ref={powRef} type="hidden" name={POW_FIELD} defaultValue="" />}
        <Honeypot />
        <p role="status" aria-live="polite" className="mb-4 text-sm text-muted">
          {pow.kind === "solving" ? "Vérification anti-robot en cours…" : navigation.state === "submitting" ? "Envoi de votre message…" : ""}
        </p>
        {pow.kind === "error" ? (
          <p role="alert" className="mb-4 text-sm font-medium text-danger">
            {pow.message}
          </p>
        ) : null}
        <SubmitButton pending={submitting}>Envoyer mon message</SubmitButton>
      </Form>

      <section aria-labelledby="donnees" className="mt-8 text-sm text-muted">
        <h2 id="donnees" className="mb-2 text-base font-semibold text-ink">
          Vos données
        </h2>
        <p>
          {INSURER.legalName} utilise ces informations uniquement pour répondre à votre message. Elles sont chiffrées et seuls nos
          conseillers habilités peuvent les lire. {signedIn ? null : "La vérification anti-robot se fait par un calcul dans votre navigateur, sans cookie ni suivi. "}
          Pour exercer vos droits sur vos données, choisissez le sujet « Données personnelles (RGPD) ».
        </p>
      </section>
      <section aria-labelledby="autres-moyens" className="mt-6 text-sm text-muted">
        <h2 id="autres-moyens" className="mb-2 text-base font-semibold text-ink">
          Nous joindre autrement
        </h2>
        <p>
          Par téléphone au <a href={INSURER.phoneHref}>{INSURER.phone}</a> ({INSURER.phoneHours}), ou par courrier : {INSURER.postalAddress}.
        </p>
      </section>
    </div>
  );
}
