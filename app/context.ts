import "react-router";

declare module "react-router" {
  interface AppLoadContext {
    /** CSP nonce of this response (scripts rendered by React Router carry it). */
    nonce: string;
    /** Correlates log lines of one request. */
    requestId: string;
    /** Client IP as seen by the server (after TRUST_PROXY handling); never logged in clear. */
    clientIp: string;
    logError(error: unknown): void;
  }
}

export {};
