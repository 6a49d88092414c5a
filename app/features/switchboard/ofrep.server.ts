import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { config } from "~/platform/config/env.server";
import { BodyLimitExceeded, readBodyWithLimit } from "~/platform/http/read-body.server";
import { evaluateServiceFlag, type FlagEvaluation, isFlagKey } from "./flags";
import { switchboardSnapshot } from "./propagation.server";
import { SERVICE_KEYS, type SwitchboardSnapshot } from "./types";

/*
 * OFREP (OpenFeature Remote Evaluation Protocol) evaluation of the switchboard's flags, for a
 * call-centre tool or a mobile app: `POST /api/ofrep/v1/evaluate/flags/{key}` (one service) and
 * `POST /api/ofrep/v1/evaluate/flags` (all of them). Read-only; protected by an API key.
 */

/** Request bodies beyond this size are refused unread. */
export const MAX_BODY_BYTES = 16_384;

const requestSchema = z.object({
  context: z
    .looseObject({
      targetingKey: z.string().min(1).max(256).optional(),
      tester: z.boolean().optional(),
    })
    .default({}),
});

export type OfrepResponse = { status: number; body: unknown; headers?: Record<string, string> };

/** The API key of a request: `X-API-Key`, or `Authorization: Bearer <key>`. */
export function apiKeyOf(headers: Headers): string | null {
  const direct = headers.get("x-api-key");
  if (direct) return direct.trim();
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  return bearer?.[1] ?? null;
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Whether `given` is one of `keys`, in time independent of where they differ: fixed-length
 * digests compared in constant time, every key compared. No key configured: nobody is allowed.
 */
export function isAcceptedApiKey(given: string | null, keys: readonly string[]): boolean {
  if (given === null) return false;
  const candidate = digest(given);
  let accepted = false;
  for (const key of keys) {
    if (timingSafeEqual(candidate, digest(key))) accepted = true;
  }
  return accepted;
}

function success(evaluation: FlagEvaluation) {
  return { key: evaluation.key, value: evaluation.value, reason: evaluation.reason, variant: evaluation.variant, metadata: evaluation.metadata };
}

/** The request body as text, or null when it is larger than `MAX_BODY_BYTES` (not read further). */
async function readBody(request: Request): Promise<string | null> {
  try {
    return Buffer.from(await readBodyWithLimit(request, MAX_BODY_BYTES)).toString("utf8");
  } catch (error) {
    if (error instanceof BodyLimitExceeded) return null;
    throw error;
  }
}

function parseContext(body: string | null): { ok: true; context: z.infer<typeof requestSchema>["context"] } | { ok: false; details: string } {
  if (body === null) return { ok: false, details: `Request body larger than ${MAX_BODY_BYTES} bytes` };
  let json: unknown;
  try {
    json = body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    return { ok: false, details: "Request body is not valid JSON" };
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, details: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") };
  }
  return { ok: true, context: parsed.data.context };
}

/**
 * One OFREP evaluation request. `key` null: the bulk endpoint (every service).
 * 401 without a valid API key; 400 `INVALID_CONTEXT` for a bad body; 404 `FLAG_NOT_FOUND`.
 */
export function ofrepEvaluate(input: {
  key: string | null;
  headers: Headers;
  /** The body as read by `readBody` (null: too large). */
  body: string | null;
  apiKeys: readonly string[];
  snapshot: SwitchboardSnapshot;
  nowMs: number;
}): OfrepResponse {
  if (!isAcceptedApiKey(apiKeyOf(input.headers), input.apiKeys)) {
    return { status: 401, body: { errorDetails: "Missing or invalid API key" }, headers: { "WWW-Authenticate": 'Bearer realm="ofrep"' } };
  }
  const parsed = parseContext(input.body);
  const { key } = input;
  if (!parsed.ok) {
    return { status: 400, body: { ...(key === null ? {} : { key }), errorCode: "INVALID_CONTEXT", errorDetails: parsed.details } };
  }
  const context = { targetingKey: parsed.context.targetingKey, tester: parsed.context.tester };
  if (key === null) {
    return { status: 200, body: { flags: SERVICE_KEYS.map((k) => success(evaluateServiceFlag(input.snapshot, k, context, input.nowMs))) } };
  }
  if (!isFlagKey(key)) {
    return { status: 404, body: { key, errorCode: "FLAG_NOT_FOUND", errorDetails: `No switchboard service is named ${key}` } };
  }
  return { status: 200, body: success(evaluateServiceFlag(input.snapshot, key, context, input.nowMs)) };
}

/** The HTTP exchange around `ofrepEvaluate`, for the route modules. */
export async function handleOfrepRequest(request: Request, key: string | null): Promise<Response> {
  const result = ofrepEvaluate({
    key,
    headers: request.headers,
    body: await readBody(request),
    apiKeys: config().ofrepApiKeys,
    snapshot: switchboardSnapshot(),
    nowMs: Date.now(),
  });
  return Response.json(result.body, { status: result.status, headers: { ...result.headers, "Cache-Control": "no-store" } });
}

/** Evaluation is a POST: the context travels in the body. */
export function ofrepMethodNotAllowed(): Response {
  return Response.json({ errorDetails: "Use POST" }, { status: 405, headers: { Allow: "POST", "Cache-Control": "no-store" } });
}
