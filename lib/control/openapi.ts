/**
 * `GET /openapi.json`: the control plane's OpenAPI 3.1 document, generated from the routes' docs (see
 * `route_table.ts`) with zod 4's own `z.toJSONSchema`, so the query, body and header schemas shown are the
 * very ones that validate requests. The error codes come from `error_docs.ts`. The README's route and error
 * tables are written from this document (`deno task docs`).
 *
 * @module
 */

import { z } from "zod";
import { VERSION } from "../cli/banner.ts";
import { ERROR_DOCS, errorDoc, EXCHANGE_ERROR_DOC } from "./error_docs.ts";
import { LOCAL_CODES } from "./errors.ts";
import { errorAnswer } from "./openapi_answers.ts";
import type { RouteAnswer, RouteDoc, RouteEntry, RouteTable } from "./route_table.ts";

/** A JSON object (an OpenAPI or JSON Schema fragment). */
type Json = Record<string, unknown>;

/** Codes any route can answer with. */
const EVERY_ROUTE = [
  LOCAL_CODES.UNAUTHORIZED,
  LOCAL_CODES.FORBIDDEN,
  LOCAL_CODES.REQUEST_TIMEOUT,
  LOCAL_CODES.INTERNAL,
];
/** Codes of reading a JSON body. */
const BODY_CODES = [
  LOCAL_CODES.UNSUPPORTED_MEDIA_TYPE,
  LOCAL_CODES.MALFORMED_JSON,
  LOCAL_CODES.BODY_TOO_LARGE,
  LOCAL_CODES.INCOMPLETE_BODY,
];

/**
 * The OpenAPI 3.1 document of every route in `entries`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { RouteTable } from "./route_table.ts";
 * const routes = new RouteTable(new Hono());
 * const doc = openApiDocument(routes.entries());
 * doc.openapi; // "3.1.0"
 * ```
 */
export function openApiDocument(entries: readonly RouteEntry[]): Json & { openapi: string; paths: Json } {
  const paths: Record<string, Json> = {};
  const schemas: Json = {};
  const tags: string[] = [];
  for (const { method, path, doc } of entries) {
    const { template, parameters } = openApiPath(path);
    const operation = describeOperation(doc, schemas);
    if (!tags.includes(doc.tag)) tags.push(doc.tag);
    if (parameters.length > 0) {
      operation.parameters = [...parameters, ...(operation.parameters as Json[] | undefined ?? [])];
    }
    operation.operationId = operationId(method, path);
    (paths[template] ??= {})[method.toLowerCase()] = operation;
  }
  schemas.Error = toSchema(errorAnswer, schemas);
  schemas.LocalErrorCode = {
    type: "integer",
    description: "The control plane's own error codes (Binance's are ≤ -1000 and passed through).",
    oneOf: ERROR_DOCS.map((e) => ({
      const: e.code,
      title: e.name,
      description: `HTTP ${e.statuses.join("/")}: ${e.when}`,
    })),
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Lightning Router control plane",
      version: VERSION,
      description: "JSON over HTTP on 127.0.0.1 (by default) in front of Binance USDⓈ-M Futures' WebSocket " +
        "API. Every error is `{code, msg}`: the control plane's own codes are -1…-99 (see `LocalErrorCode`), " +
        "Binance's own (≤ -1000) are passed through. A bearer token is required when the control plane is " +
        "exposed beyond loopback.",
    },
    tags: tags.map((name) => ({ name })),
    security: [{}, { bearerAuth: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
      responses: {
        NotFound: errorResponse([LOCAL_CODES.NOT_FOUND]),
        MethodNotAllowed: {
          ...errorResponse([LOCAL_CODES.METHOD_NOT_ALLOWED]),
          headers: { Allow: { description: "the methods the path serves", schema: { type: "string" } } },
        },
      },
    },
  };
}

/**
 * Adds `GET /openapi.json` to `routes`; the document is built on the first request, from every route
 * registered by then (all of them: routes are added while the app is built).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { RouteTable } from "./route_table.ts";
 * addOpenApiRoute(new RouteTable(new Hono()));
 * ```
 */
export function addOpenApiRoute(routes: RouteTable): void {
  let text: string | undefined;
  routes.add("GET", "/openapi.json", (c) => {
    text ??= JSON.stringify(openApiDocument(routes.entries()));
    return c.body(text, 200, { "content-type": "application/json; charset=utf-8" });
  }, {
    summary: "The OpenAPI 3.1 document of every route (generated from the validating schemas)",
    tag: "Status",
    answers: { 200: { description: "the OpenAPI 3.1 document of every route served" } },
  });
}

function describeOperation(doc: RouteDoc, schemas: Json): Json {
  const operation: Json = { summary: doc.summary, tags: [doc.tag] };
  const description = [doc.description, doc.availability && `Available in ${doc.availability}.`]
    .filter((x) => typeof x === "string" && x !== "").join("\n\n");
  if (description !== "") operation.description = description;
  const parameters = [
    ...(doc.query === undefined ? [] : toParameters(doc.query, "query", schemas)),
    ...(doc.headers === undefined ? [] : toParameters(doc.headers, "header", schemas)),
  ];
  if (parameters.length > 0) operation.parameters = parameters;
  if (doc.body !== undefined) {
    operation.requestBody = {
      required: doc.bodyOptional !== true,
      content: { "application/json": { schema: toSchema(doc.body, schemas) } },
    };
  }
  const responses: Json = {};
  for (const [status, answer] of Object.entries(doc.answers)) responses[status] = toResponse(answer, schemas);
  const codes = new Set<number>([...EVERY_ROUTE, ...(doc.errors ?? [])]);
  if (parameters.length > 0 || doc.body !== undefined) codes.add(LOCAL_CODES.INVALID_REQUEST);
  if (doc.body !== undefined) { for (const c of BODY_CODES) codes.add(c); }
  const byStatus = new Map<number, number[]>();
  for (const code of [...codes].sort((a, b) => b - a)) {
    for (const status of errorDoc(code).statuses) byStatus.set(status, [...byStatus.get(status) ?? [], code]);
  }
  if (doc.exchange === true) {
    for (const status of EXCHANGE_ERROR_DOC.statuses) byStatus.set(status, byStatus.get(status) ?? []);
  }
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    if (responses[status] !== undefined) continue;
    const exchange = doc.exchange === true &&
      (EXCHANGE_ERROR_DOC.statuses as readonly number[]).includes(status);
    responses[status] = errorResponse(byStatus.get(status)!, exchange);
  }
  operation.responses = responses;
  return operation;
}

function errorResponse(codes: readonly number[], exchange = false): Json {
  const lines = codes.map((code) => {
    const e = errorDoc(code);
    return `${code} ${e.name}: ${e.when}`;
  });
  if (exchange) lines.push(`Binance's codes (≤ -1000): ${EXCHANGE_ERROR_DOC.when}`);
  return {
    description: lines.join("; "),
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    "x-error-codes": codes,
  };
}

function toResponse(answer: RouteAnswer, schemas: Json): Json {
  if (answer.contentType !== undefined) {
    // A text body (an event stream, Prometheus text); `x-data-schema` is the JSON inside each event.
    const media: Json = { schema: { type: "string" } };
    if (answer.schema !== undefined) media["x-data-schema"] = toSchema(answer.schema, schemas);
    return { description: answer.description, content: { [answer.contentType]: media } };
  }
  if (answer.schema === undefined) return { description: answer.description };
  return {
    description: answer.description,
    content: { "application/json": { schema: toSchema(answer.schema, schemas) } },
  };
}

/**
 * The JSON Schema of a zod schema's input side (what a client sends); named schemas (`.meta({id})`) move to
 * `components.schemas` and are referenced.
 */
function toSchema(schema: z.ZodType, schemas: Json): Json {
  const generated = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12", unrepresentable: "any" });
  const { $schema: _, $defs, ...out } = JSON.parse(
    JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/'),
  ) as Json & { $defs?: Record<string, Json> };
  for (const [id, def] of Object.entries($defs ?? {})) schemas[id] ??= def;
  return out;
}

/** Query or header parameters from an object schema (or a union of object schemas: either may be sent). */
function toParameters(schema: z.ZodType, where: "query" | "header", schemas: Json): Json[] {
  const json = toSchema(schema, schemas);
  const branches = Array.isArray(json.anyOf) ? json.anyOf as Json[] : [json];
  const properties = new Map<string, Json>();
  const requiredIn = new Map<string, number>();
  for (const branch of branches) {
    for (const [name, prop] of Object.entries(branch.properties as Record<string, Json> ?? {})) {
      if (!properties.has(name)) properties.set(name, prop);
    }
    for (const name of branch.required as string[] ?? []) {
      requiredIn.set(name, (requiredIn.get(name) ?? 0) + 1);
    }
  }
  return [...properties].map(([name, prop]) => {
    const { description, ...rest } = prop;
    const parameter: Json = {
      name,
      in: where,
      required: requiredIn.get(name) === branches.length,
      schema: rest,
    };
    if (typeof description === "string") parameter.description = description;
    return parameter;
  });
}

/** `/assets/*` → `/assets/{path}`, `/x/:id` → `/x/{id}`, with their path parameters. */
function openApiPath(path: string): { template: string; parameters: Json[] } {
  const parameters: Json[] = [];
  const template = path.split("/").map((part) => {
    const name = part === "*"
      ? "path"
      : part.startsWith(":")
      ? part.slice(1).replace(/\{.*$/, "")
      : undefined;
    if (name === undefined) return part;
    parameters.push({ name, in: "path", required: true, schema: { type: "string" } });
    return `{${name}}`;
  }).join("/");
  return { template, parameters };
}

function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}
