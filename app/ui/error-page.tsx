import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { INSURER } from "~/ui/insurer";

function describe(error: unknown): { title: string; message: string } {
  if (isRouteErrorResponse(error)) {
    const detail = typeof error.data === "object" && error.data && "message" in error.data ? String(error.data.message) : null;
    switch (error.status) {
      case 404:
        return { title: "Page introuvable", message: "L’adresse demandée n’existe pas ou n’existe plus." };
      case 403:
        return { title: "Accès refusé", message: detail ?? "Vous n’avez pas accès à cette page." };
      case 413:
        return { title: "Envoi trop volumineux", message: detail ?? "Le contenu envoyé dépasse la taille autorisée." };
      case 429:
        return { title: "Trop de tentatives", message: detail ?? "Merci de patienter quelques minutes avant de réessayer." };
      default:
        if (error.status < 500) return { title: "Requête invalide", message: detail ?? "La demande n’a pas pu être traitée." };
    }
  }
  return {
    title: "Une erreur est survenue",
    message: `Le service a rencontré un problème. Réessayez dans quelques instants ; si le problème persiste, appelez-nous au ${INSURER.phone}.`,
  };
}

/** The error content of every layout: a French explanation, never a stack trace. */
export function ErrorBoundary() {
  const { title, message } = describe(useRouteError());
  return (
    <div className="mx-auto max-w-3xl py-6">
      <h1 className="text-3xl font-bold text-brand-800">{title}</h1>
      <p className="mt-4 text-lg">{message}</p>
      <p className="mt-6">
        <Link to="/">Retour à l’accueil</Link>
      </p>
    </div>
  );
}
