import "react-router";

declare module "react-router" {
  interface AppLoadContext {
    /** CSP nonce of this response (scripts rendered by React Router carry it). */
    nonce: string;
    /** Correlates log lines of one request. */
    requestId: string;
    /** Client IP as seen by the server (after TRUST_PROXY_HOPS handling); never logged in clear. */
    clientIp: string;
    logError(error: unknown): void;
    /**
     * Records a failure of this request: true when it says the database cannot be reached (the
     * response then becomes a 503 and the instance answers 503 until a probe reaches it again).
     */
    reportDatabaseFailure(error: unknown): boolean;
    /** The 503 answer of this request when one of its failures said the database cannot be reached, else null. */
    databaseUnavailableResponse(): Response | null;
  }
}

export {};
