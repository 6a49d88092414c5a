import { renderAtomFeed } from "~/features/switchboard/public-status";
import { getStatusFeed } from "~/features/switchboard/public-status.server";
import { config } from "~/platform/config/env.server";
import { db } from "~/platform/db/client.server";

/** The status page's history as an Atom feed, for feed readers and monitoring tools. */
export async function loader() {
  const feed = await getStatusFeed(db(), Date.now());
  return new Response(renderAtomFeed({ origin: config().publicOrigin, ...feed }), {
    headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "no-store" },
  });
}
