// What a new integrator does first, with the TypeScript client generated from
// openapi/openapi.json: openapi-typescript's types (schema.d.ts, made by scripts/client-test)
// and openapi-fetch. `tsc` checks every call below against the spec's types, then it runs:
//
//     tsx ts_smoke.ts BASE_URL ADMIN_KEY
//
// It reads the demo event with everything expanded (and its headers with HEAD), creates a
// company and an offer with a key (the offer with an Idempotency-Key, retried), patches the
// offer, reads what changed since, searches, reads matches, and gets a 404 and a 422 as
// typed problems.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

declare const process: { argv: string[] };

type Problem = components["schemas"]["Problem"];

function check(condition: unknown, what: string, detail?: unknown): asserts condition {
  if (!condition) {
    throw new Error(`${what}: ${JSON.stringify(detail)}`);
  }
}

const [base, key] = process.argv.slice(2);
const anonymous = createClient<paths>({ baseUrl: base });
const admin = createClient<paths>({ baseUrl: base, headers: { Authorization: `Bearer ${key}` } });

const events = await anonymous.GET("/api/v1/events");
check(events.data && events.data.items.length > 0, "the demo has events", events.error);
const eventId = events.data.items[0].id;
const event = await anonymous.GET("/api/v1/events/{id}", {
  params: { path: { id: eventId }, query: { expand: "venues,sessions,speakers,participants" } },
});
check(event.data?.venues?.length && event.data.sessions?.length, "the event expands", event.error);
const head = await anonymous.HEAD("/api/v1/events/{id}", { params: { path: { id: eventId } } });
check(head.response.status === 200 && head.response.headers.get("etag"), "HEAD has the ETag");

const company = await admin.POST("/api/v1/companies", {
  body: { name: "Generated TypeScript Co", kind: "startup", country: "FR" },
});
check(company.data, "the company is created", company.error);
const idempotencyKey = crypto.randomUUID();
const createOffer = () =>
  admin.POST("/api/v1/cooperation-offers", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: {
      company_id: company.data.id,
      kind: "business_offer",
      cooperation_types: ["distribution"],
      title: "An offer from the TypeScript client",
      sectors: ["it"],
      target_countries: ["RU"],
      status: "published",
    },
  });
const offer = await createOffer();
check(offer.data, "the offer is created", offer.error);
const retried = await createOffer();
check(
  retried.data?.id === offer.data.id && retried.response.headers.get("idempotent-replayed") === "true",
  "a retry with the same Idempotency-Key replays the first answer",
  retried.data,
);
const patched = await admin.PATCH("/api/v1/cooperation-offers/{id}", {
  params: { path: { id: offer.data.id } },
  body: { title: "Patched by the TypeScript client" },
  headers: { "Content-Type": "application/merge-patch+json" },
});
check(patched.data?.title === "Patched by the TypeScript client", "the offer is patched", patched.error);
const changed = await anonymous.GET("/api/v1/cooperation-offers", {
  params: { query: { updated_since: offer.data.updated_at, sort: "updated_at" } },
});
check(
  changed.data?.items.some((o) => o.id === offer.data.id),
  "the offer is among what changed since its creation",
  changed.error,
);

const hits = await anonymous.GET("/api/v1/search", { params: { query: { q: "Moscou" } } });
check(hits.data && hits.data.items.length > 0, "the demo is found", hits.error);
const matches = await anonymous.GET("/api/v1/cooperation-offers/{id}/matches", {
  params: { path: { id: offer.data.id } },
});
check(matches.data, "matches are read", matches.error);

const missing = await anonymous.GET("/api/v1/companies/{id}", {
  params: { path: { id: "01900000-0000-7000-8000-000000000000" } },
});
const notFound: Problem | undefined = missing.error;
check(notFound?.status === 404, "a 404 is a problem", missing.error);
const invalid = await admin.POST("/api/v1/companies", {
  body: { name: "", kind: "startup", country: "FR" },
});
const unprocessable: Problem | undefined = invalid.error;
check(
  unprocessable?.status === 422 && unprocessable.errors?.some((e) => e.field === "name"),
  "a 422 is a problem naming the field",
  invalid.error,
);
console.log(
  "typescript client: events, expand, HEAD, create, idempotent retry, patch, updated_since, search, matches, 404 and 422 as problems: ok",
);
