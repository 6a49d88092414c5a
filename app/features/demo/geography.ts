/*
 * Where the demo members live and bank, and what their employers are called: plain data for the
 * household generators (households.ts). Postcodes and cities are real; phone blocks are those ARCEP
 * reserves for fiction.
 */

export type Home = {
  departement: string;
  weight: number;
  /** ARCEP block reserved for fiction in the region's landline prefix: these numbers never ring. */
  landline: string | null;
  places: readonly (readonly [postcode: string, city: string])[];
};

export const FICTION_MOBILE_BLOCK = "06 39 98";
export const ALSACE_MOSELLE = new Set(["57", "67", "68"]);

const paris = Array.from({ length: 20 }, (_, i) => [`750${String(i + 1).padStart(2, "0")}`, "Paris"] as const);

/** Where members live: the Var, Bascule's home, first, then its neighbours and the large cities. */
// prettier-ignore
export const HOMES: readonly Home[] = [
  { departement: "83", weight: 30, landline: "04 65 71", places: [
      ["83000", "Toulon"], ["83100", "Toulon"], ["83200", "Toulon"], ["83500", "La Seyne-sur-Mer"],
      ["83400", "Hyères"], ["83600", "Fréjus"], ["83700", "Saint-Raphaël"], ["83300", "Draguignan"],
      ["83140", "Six-Fours-les-Plages"], ["83130", "La Garde"], ["83160", "La Valette-du-Var"],
      ["83170", "Brignoles"], ["83110", "Sanary-sur-Mer"], ["83150", "Bandol"], ["83120", "Sainte-Maxime"],
      ["83470", "Saint-Maximin-la-Sainte-Baume"], ["83220", "Le Pradet"], ["83190", "Ollioules"],
  ] },
  { departement: "13", weight: 12, landline: "04 65 71", places: [
      ["13001", "Marseille"], ["13004", "Marseille"], ["13005", "Marseille"], ["13008", "Marseille"],
      ["13009", "Marseille"], ["13012", "Marseille"], ["13013", "Marseille"], ["13100", "Aix-en-Provence"],
      ["13090", "Aix-en-Provence"], ["13400", "Aubagne"], ["13600", "La Ciotat"], ["13500", "Martigues"],
      ["13200", "Arles"], ["13300", "Salon-de-Provence"],
  ] },
  { departement: "06", weight: 7, landline: "04 65 71", places: [
      ["06000", "Nice"], ["06100", "Nice"], ["06200", "Nice"], ["06300", "Nice"], ["06400", "Cannes"],
      ["06600", "Antibes"], ["06130", "Grasse"], ["06500", "Menton"], ["06800", "Cagnes-sur-Mer"],
  ] },
  { departement: "84", weight: 3, landline: "04 65 71", places: [
      ["84000", "Avignon"], ["84200", "Carpentras"], ["84100", "Orange"], ["84300", "Cavaillon"],
  ] },
  { departement: "04", weight: 1.5, landline: "04 65 71", places: [
      ["04100", "Manosque"], ["04000", "Digne-les-Bains"], ["04200", "Sisteron"],
  ] },
  { departement: "75", weight: 7, landline: "01 99 00", places: paris },
  { departement: "92", weight: 3, landline: "01 99 00", places: [
      ["92100", "Boulogne-Billancourt"], ["92000", "Nanterre"], ["92400", "Courbevoie"],
      ["92130", "Issy-les-Moulineaux"], ["92200", "Neuilly-sur-Seine"], ["92600", "Asnières-sur-Seine"],
  ] },
  { departement: "93", weight: 2, landline: "01 99 00", places: [
      ["93200", "Saint-Denis"], ["93100", "Montreuil"], ["93000", "Bobigny"], ["93600", "Aulnay-sous-Bois"],
  ] },
  { departement: "94", weight: 2, landline: "01 99 00", places: [
      ["94000", "Créteil"], ["94300", "Vincennes"], ["94200", "Ivry-sur-Seine"], ["94100", "Saint-Maur-des-Fossés"],
  ] },
  { departement: "69", weight: 5, landline: "04 65 71", places: [
      ["69001", "Lyon"], ["69003", "Lyon"], ["69006", "Lyon"], ["69007", "Lyon"], ["69008", "Lyon"],
      ["69100", "Villeurbanne"], ["69200", "Vénissieux"],
  ] },
  { departement: "33", weight: 3, landline: "05 36 49", places: [
      ["33000", "Bordeaux"], ["33800", "Bordeaux"], ["33700", "Mérignac"], ["33600", "Pessac"],
  ] },
  { departement: "31", weight: 3, landline: "05 36 49", places: [
      ["31000", "Toulouse"], ["31100", "Toulouse"], ["31200", "Toulouse"], ["31300", "Toulouse"],
      ["31400", "Toulouse"], ["31500", "Toulouse"], ["31700", "Blagnac"],
  ] },
  { departement: "34", weight: 3, landline: "04 65 71", places: [
      ["34000", "Montpellier"], ["34070", "Montpellier"], ["34500", "Béziers"], ["34200", "Sète"],
  ] },
  { departement: "44", weight: 2, landline: "02 61 91", places: [
      ["44000", "Nantes"], ["44100", "Nantes"], ["44300", "Nantes"], ["44600", "Saint-Nazaire"],
  ] },
  { departement: "35", weight: 2, landline: "02 61 91", places: [
      ["35000", "Rennes"], ["35200", "Rennes"], ["35400", "Saint-Malo"],
  ] },
  { departement: "59", weight: 3, landline: "03 53 01", places: [
      ["59000", "Lille"], ["59100", "Roubaix"], ["59200", "Tourcoing"], ["59140", "Dunkerque"],
      ["59300", "Valenciennes"],
  ] },
  { departement: "57", weight: 3, landline: "03 53 01", places: [
      ["57000", "Metz"], ["57050", "Metz"], ["57100", "Thionville"], ["57600", "Forbach"],
      ["57200", "Sarreguemines"],
  ] },
  { departement: "67", weight: 3, landline: "03 53 01", places: [
      ["67000", "Strasbourg"], ["67100", "Strasbourg"], ["67200", "Strasbourg"], ["67500", "Haguenau"],
      ["67600", "Sélestat"], ["67700", "Saverne"],
  ] },
  { departement: "68", weight: 2, landline: "03 53 01", places: [
      ["68100", "Mulhouse"], ["68200", "Mulhouse"], ["68000", "Colmar"], ["68300", "Saint-Louis"],
  ] },
  { departement: "2A", weight: 1, landline: "04 65 71", places: [
      ["20000", "Ajaccio"], ["20090", "Ajaccio"], ["20137", "Porto-Vecchio"],
  ] },
  { departement: "2B", weight: 1, landline: "04 65 71", places: [
      ["20200", "Bastia"], ["20600", "Bastia"], ["20250", "Corte"], ["20260", "Calvi"],
  ] },
  // Réunion has no fiction block of its own: its members get fiction mobile numbers only.
  { departement: "974", weight: 1, landline: null, places: [
      ["97400", "Saint-Denis"], ["97410", "Saint-Pierre"], ["97430", "Le Tampon"], ["97460", "Saint-Paul"],
  ] },
];

export const WEIGHTED_HOMES = HOMES.map((h) => [h, h.weight] as const);

export function homeOf(departement: string): Home {
  const home = HOMES.find((h) => h.departement === departement);
  if (!home) throw new Error(`No demo home in département ${departement}`);
  return home;
}

/** A few large French banks and their BIC (8-character form, valid for all their branches). */
export const WEIGHTED_BANKS: readonly (readonly [{ bankCode: string; bic: string }, number])[] = [
  [{ bankCode: "30004", bic: "BNPAFRPP" }, 20],
  [{ bankCode: "30003", bic: "SOGEFRPP" }, 18],
  [{ bankCode: "30002", bic: "CRLYFRPP" }, 14],
  [{ bankCode: "20041", bic: "PSSTFRPP" }, 16],
  [{ bankCode: "30066", bic: "CMCIFRPP" }, 14],
  [{ bankCode: "10107", bic: "BREDFRPP" }, 8],
  [{ bankCode: "30056", bic: "CCFRFRPP" }, 10],
];

// prettier-ignore
export const EMPLOYER_TRADES = [
  "Transports", "Boulangerie", "Garage", "Cabinet", "Imprimerie", "Menuiserie", "Pharmacie", "Hôtel",
  "Laboratoire", "Ateliers", "Clinique", "Bâtiment", "Maraîchers", "Librairie", "Plomberie",
];
export const LEGAL_FORMS = ["SAS", "SARL", "SA", "SASU", "EURL"];
