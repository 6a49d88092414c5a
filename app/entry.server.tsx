import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable } from "@react-router/node";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "react-router";
import { ServerRouter } from "react-router";
import { NonceContext } from "./ui/nonce";

export const streamTimeout = 5_000;

/**
 * Every error of a loader, an action or a render. A lost database connection is not a bug of the
 * page: the response becomes a 503 (the pool has already logged the loss). Without this export
 * React Router would print errors whole with `console.error` — for a failed query, every
 * parameter of the query; `logError` goes through the redacting logger, without a query's
 * parameters (`describeError`, ADR 018). Requests the client abandoned are not errors.
 */
export function handleError(error: unknown, { request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (context.reportDatabaseFailure(error)) return;
  if (!request.signal.aborted) context.logError(error);
}

/** A client-side navigation whose loaders lost the database is told to reload as a document (then a 503 page). */
export function handleDataRequest(response: Response, { context }: LoaderFunctionArgs | ActionFunctionArgs) {
  return context.databaseUnavailableResponse() ?? response;
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const unavailable = loadContext.databaseUnavailableResponse();
  if (unavailable) return unavailable;
  const nonce = loadContext.nonce;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const userAgent = request.headers.get("user-agent");
    // Bots and no-JS clients get the whole document at once; browsers get it streamed.
    const readyOption = (userAgent && isbot(userAgent)) || routerContext.isSpaMode ? "onAllReady" : "onShellReady";

    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <ServerRouter context={routerContext} url={request.url} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [readyOption]() {
          shellRendered = true;
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) loadContext.logError(error);
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}
