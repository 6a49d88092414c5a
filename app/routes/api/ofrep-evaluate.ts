import { handleOfrepRequest, ofrepMethodNotAllowed } from "~/features/switchboard/ofrep.server";
import type { Route } from "./+types/ofrep-evaluate";

/** OFREP single-flag evaluation: is this online service open for this context? */
export function action({ request, params }: Route.ActionArgs) {
  return handleOfrepRequest(request, params.key);
}

export const loader = ofrepMethodNotAllowed;
