import { Link } from "react-router";
import { INSURER } from "~/ui/insurer";

export const meta = () => [
  { title: "Bascule — votre mutuelle santé" },
  { name: "description", content: "Bascule, mutuelle santé du Var : remboursements rapides, espace adhérent en ligne, conseillers joignables." },
];

const SERVICES = [
  {
    title: "Espace adhérent",
    text: "Consultez votre contrat, vos garanties et vos bénéficiaires, et gérez votre compte.",
    link: { to: "/connexion", label: "Me connecter" },
  },
  {
    title: "Première connexion",
    text: "Vous êtes adhérent ? Activez votre espace avec votre numéro d’adhérent et votre date de naissance.",
    link: { to: "/activation", label: "Activer mon espace" },
  },
  {
    title: "Remboursements",
    text: "La grande majorité des demandes sont réglées en moins de 48 heures, avec le détail de chaque euro.",
    link: null,
  },
];

export default function Home() {
  return (
    <>
      <section className="rounded-2xl bg-brand-700 px-6 py-12 text-white sm:px-12">
        <h1 className="max-w-3xl text-4xl font-bold leading-tight">Votre santé, remboursée simplement.</h1>
        <p className="mt-4 max-w-2xl text-lg text-brand-50">
          Bascule est une mutuelle santé à but non lucratif qui protège 65 000 personnes : adhérents individuels, familles et salariés
          d’entreprises partenaires.
        </p>
        <p className="mt-8">
          <Link to="/connexion" className="inline-block rounded-md bg-white px-5 py-3 font-semibold text-brand-800 no-underline hover:bg-brand-50">
            Accéder à mon espace adhérent
          </Link>
          <Link
            to="/devis"
            className="ml-0 mt-3 inline-block rounded-md border-2 border-white px-5 py-3 font-semibold text-white no-underline hover:bg-brand-800 sm:ml-4 sm:mt-0"
          >
            Obtenir un devis
          </Link>
        </p>
      </section>

      <section aria-labelledby="services" className="mt-12">
        <h2 id="services" className="text-2xl font-bold text-brand-800">
          Nos services en ligne
        </h2>
        <ul className="mt-6 grid gap-6 md:grid-cols-3">
          {SERVICES.map((s) => (
            <li key={s.title} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
              <h3 className="text-lg font-semibold text-brand-800">{s.title}</h3>
              <p className="mt-2 text-muted">{s.text}</p>
              {s.link ? (
                <p className="mt-4">
                  <Link to={s.link.to}>{s.link.label}</Link>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="qui" className="mt-12 grid gap-8 md:grid-cols-2">
        <div>
          <h2 id="qui" className="text-2xl font-bold text-brand-800">
            Qui sommes-nous ?
          </h2>
          <p className="mt-4">
            Mutuelle régie par le Code de la mutualité, Bascule appartient à ses adhérents. Nos quatre formules (Essentielle, Équilibre,
            Confort, Excellence) sont des contrats responsables : pas de questionnaire de santé, pas de tarif selon le sexe.
          </p>
          <p className="mt-4">
            Vos données sont protégées : les informations sensibles (numéro de sécurité sociale, coordonnées bancaires) sont chiffrées et
            chaque accès est tracé.
          </p>
        </div>
        <div>
          <h2 className="text-2xl font-bold text-brand-800">Nous contacter</h2>
          <dl className="mt-4 space-y-4">
            <div>
              <dt className="font-semibold">Par téléphone</dt>
              <dd>
                <a href={INSURER.phoneHref}>{INSURER.phone}</a>, {INSURER.phoneHours}
              </dd>
            </div>
            <div>
              <dt className="font-semibold">Par e-mail</dt>
              <dd>
                <a href={`mailto:${INSURER.email}`}>{INSURER.email}</a>
              </dd>
              <dd>
                ou par notre <Link to="/contact">formulaire de contact</Link>
              </dd>
            </div>
            <div>
              <dt className="font-semibold">Par courrier ou en agence</dt>
              <dd>
                {INSURER.postalAddress} — {INSURER.agencyHours}
              </dd>
            </div>
          </dl>
        </div>
      </section>
    </>
  );
}
