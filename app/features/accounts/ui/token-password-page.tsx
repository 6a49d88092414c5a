import { getFormProps, type SubmissionResult, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, Link, useNavigation } from "react-router";
import { newPasswordSchema } from "../schemas";
import { FormErrors, SubmitButton } from "~/ui/form";
import { Alert, PageHeader } from "~/ui/layout";
import { NewPasswordFields } from "~/ui/password-fields";

/** Password fields are never sent back to the browser after a failed submission. */
export const HIDDEN_PASSWORD_FIELDS = { hideFields: ["password", "confirmation"] };

/**
 * The page behind a single-use e-mailed link that ends with choosing a password (account
 * activation, password reset): the form while the link is usable, an explanation otherwise.
 */
export function TokenPasswordPage(props: {
  usable: boolean;
  lastResult: SubmissionResult<string[]> | undefined;
  title: string;
  lead: string;
  submitLabel: string;
  expired: { message: string; linkTo: string; linkText: string };
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: props.lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newPasswordSchema }),
    shouldValidate: "onSubmit",
  });
  if (!props.usable) {
    return (
      <div className="mx-auto max-w-lg">
        <PageHeader title="Lien expiré ou déjà utilisé" />
        <Alert tone="warning">{props.expired.message}</Alert>
        <p>
          <Link to={props.expired.linkTo}>{props.expired.linkText}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title={props.title} lead={props.lead} />
      <FormErrors id={form.errorId} errors={form.errors} />
      <Form method="post" {...getFormProps(form)} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <NewPasswordFields password={fields.password} confirmation={fields.confirmation} />
        <SubmitButton pending={navigation.state === "submitting"}>{props.submitLabel}</SubmitButton>
      </Form>
    </div>
  );
}
