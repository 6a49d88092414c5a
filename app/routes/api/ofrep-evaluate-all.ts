import { handleOfrepRequest, ofrepMethodNotAllowed } from "~/features/switchboard/ofrep.server";
import type { Route } from "./+types/ofrep-evaluate-all";

/** OFREP bulk evaluation: every online service, for this context. */
export function action({ request }: Route.ActionArgs) {
  return handleOfrepRequest(request, null);
}

export const loader = ofrepMethodNotAllowed;
