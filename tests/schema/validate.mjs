// validate.mjs - check Kubernetes objects against the Kubernetes and Traefik
// schemas, the way the tests prove that what odoo-saas renders would be
// accepted by a real API server.
//
//   node validate.mjs [FILE|-]      (no FILE or "-": read standard input)
//
// The input is JSON: a v1 List ({"kind":"List","items":[...]}), a bare array
// of objects, or one object.  Each object is looked up by apiVersion + kind in
// the npm packages kubernetes-models and @kubernetes-models/traefik (installed
// into tests/schema/node_modules by tools/install-deps), built as that model
// and checked with the model's validate().  Output, one line per object:
//
//   ok <apiVersion> <kind> <namespace>/<name>
//   invalid <apiVersion> <kind> <namespace>/<name>: <path>: <message>
//
// (an invalid object gets one line per error; a cluster-scoped object shows
// its namespace as "-"), then a summary line "N objects: N ok, N invalid".
// Exit status: 0 when every object is valid, 1 when any is invalid (or the
// input holds no object at all: an empty render is never a silent pass), 2
// when the input cannot be read or parsed, or the packages are missing.
//
// Two checks go beyond the packages' own validate():
//
// * Unknown fields.  The generated schemas do not set additionalProperties
//   to false, so a typo such as "imagePullPolicyy" or a top-level "spce"
//   passes validate().  The schema code is compiled ajv code (there is no
//   JSON schema to walk), so the validator is run on a Proxy of the object
//   that records which keys it reads: a generated validator reads every
//   property its schema declares (`data.image === undefined || ...`), present
//   or not, and enumerates the keys of maps (labels, data, limits).  A key
//   the validator never read in an object it did look into is a field the
//   schema does not have, and is reported as "unknown field".  An object the
//   validator never looked into at all is free-form in the schema (a
//   preserve-unknown-fields or raw JSON value) and is left alone, as the API
//   server would.
// * Served versions.  The packages still ship long-removed versions such as
//   extensions/v1beta1 or apps/v1beta1; only the versions in SERVED below are
//   accepted, so an object the cluster would refuse cannot pass here.
//   metadata.name (or generateName) is required, as the API server does.
//
// Model modules are imported lazily, one per distinct kind, so a run costs
// only the schemas it needs.

import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// apiVersion -> module folder holding one model module per kind.  Only
// versions a current cluster (Kubernetes 1.3x with Traefik v3) serves.
const SERVED = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "batch/v1": "kubernetes-models/batch/v1",
  "autoscaling/v1": "kubernetes-models/autoscaling/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "rbac.authorization.k8s.io/v1": "kubernetes-models/rbac.authorization.k8s.io/v1",
  "storage.k8s.io/v1": "kubernetes-models/storage.k8s.io/v1",
  "scheduling.k8s.io/v1": "kubernetes-models/scheduling.k8s.io/v1",
  "coordination.k8s.io/v1": "kubernetes-models/coordination.k8s.io/v1",
  "discovery.k8s.io/v1": "kubernetes-models/discovery.k8s.io/v1",
  "admissionregistration.k8s.io/v1": "kubernetes-models/admissionregistration.k8s.io/v1",
  "apiextensions.k8s.io/v1": "kubernetes-models/apiextensions.k8s.io/v1",
  "certificates.k8s.io/v1": "kubernetes-models/certificates.k8s.io/v1",
  "node.k8s.io/v1": "kubernetes-models/node.k8s.io/v1",
  "traefik.io/v1alpha1": "@kubernetes-models/traefik/traefik.io/v1alpha1",
};

function die(msg) {
  process.stderr.write(`validate.mjs: ${msg}\n`);
  process.exit(2);
}

// Input text from a value taken from the input, on one line.
function clean(s) {
  return String(s).replace(/[\x00-\x1f\x7f]/g, "?");
}

// JSON pointer segments -> "spec.containers[0].image", map keys that are not
// plain identifiers quoted: metadata.labels["app.kubernetes.io/name"].
function fmtPath(root, segments) {
  let out = "", node = root;
  for (const seg of segments) {
    if (Array.isArray(node) && /^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += (out ? "." : "") + seg;
    else out += `[${JSON.stringify(seg)}]`;
    node = node !== null && typeof node === "object" ? node[seg] : undefined;
  }
  return clean(out || ".");
}

function pointerSegments(pointer) {
  if (!pointer) return [];
  return pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

// Wrap value in Proxies that record, per object, which keys were read.
function track(value) {
  const info = new WeakMap();
  const proxies = new WeakMap();
  function wrap(v) {
    if (v === null || typeof v !== "object") return v;
    let p = proxies.get(v);
    if (p) return p;
    const rec = { seen: new Set(), touched: false, enumerated: false };
    const see = (k) => {
      if (typeof k === "string") { rec.touched = true; rec.seen.add(k); }
    };
    info.set(v, rec);
    p = new Proxy(v, {
      get(t, k) { see(k); return wrap(Reflect.get(t, k)); },
      has(t, k) { see(k); return Reflect.has(t, k); },
      getOwnPropertyDescriptor(t, k) { see(k); return Reflect.getOwnPropertyDescriptor(t, k); },
      ownKeys(t) { rec.touched = true; rec.enumerated = true; return Reflect.ownKeys(t); },
    });
    proxies.set(v, p);
    return p;
  }
  return { proxy: wrap(value), info };
}

// Keys the validator never read, in objects it did look into.
function unknownFields(node, segments, info, out) {
  if (Array.isArray(node)) {
    node.forEach((v, i) => unknownFields(v, [...segments, String(i)], info, out));
    return;
  }
  if (node === null || typeof node !== "object") return;
  const rec = info.get(node);
  if (!rec || !rec.touched) return; // free-form in the schema
  for (const k of Object.keys(node)) {
    if (!rec.enumerated && !rec.seen.has(k)) out.push({ segments: [...segments, k], message: "unknown field" });
    else unknownFields(node[k], [...segments, k], info, out);
  }
}

// One ajv error -> { segments, message }.
function describe(err) {
  const segments = pointerSegments(err.instancePath);
  const p = err.params || {};
  switch (err.keyword) {
    case "required":
      return { segments: [...segments, p.missingProperty], message: "required field is missing" };
    case "additionalProperties":
      return { segments: [...segments, p.additionalProperty], message: "unknown field" };
    case "enum":
      return { segments, message: `must be one of: ${(p.allowedValues || []).map((v) => JSON.stringify(v)).join(", ")}` };
    default:
      return { segments, message: err.message || err.keyword };
  }
}

// A oneOf/anyOf (int-or-string, quantity) that failed reports each branch's
// error plus its own at the same path: keep one line, naming the branches.
function collapseAlternatives(described, raw) {
  const alt = new Set(raw.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf").map((e) => e.instancePath));
  const out = [], merged = new Map();
  raw.forEach((e, i) => {
    if (!alt.has(e.instancePath) || e.keyword === "required" || e.keyword === "additionalProperties") {
      out.push(described[i]);
      return;
    }
    let m = merged.get(e.instancePath);
    if (!m) {
      m = { segments: described[i].segments, branches: [] };
      merged.set(e.instancePath, m);
      out.push(m);
    }
    if (e.keyword !== "oneOf" && e.keyword !== "anyOf") m.branches.push(described[i].message);
  });
  for (const m of merged.values()) m.message = `matches no allowed form (${m.branches.join("; or ")})`;
  return out;
}

const models = new Map(); // "apiVersion kind" -> class, or { error }

async function modelFor(apiVersion, kind) {
  const key = `${apiVersion} ${kind}`;
  if (models.has(key)) return models.get(key);
  let found;
  const dir = Object.hasOwn(SERVED, apiVersion) ? SERVED[apiVersion] : undefined;
  if (!dir) {
    found = { field: "apiVersion",
              error: `apiVersion "${clean(apiVersion)}" is not served (known: ${Object.keys(SERVED).join(", ")})` };
  } else {
    found = { field: "kind", error: `unknown kind "${clean(kind)}" in ${apiVersion}` };
    if (/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      let file;
      try { file = fileURLToPath(import.meta.resolve(`${dir}/${kind}`)); } catch { file = null; }
      if (file && existsSync(file)) {
        const cls = (await import(`${dir}/${kind}`))[kind];
        // Sub-types (Container, PodSpec) have modules too, but no apiVersion.
        if (typeof cls === "function" && cls.apiVersion === apiVersion && cls.kind === kind) found = cls;
      }
    }
  }
  models.set(key, found);
  return found;
}

// The errors of one object, as { segments, message }, none when it is valid.
async function check(obj) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj))
    return [{ segments: [], message: "not a JSON object" }];
  const errs = [];
  for (const f of ["apiVersion", "kind"])
    if (typeof obj[f] !== "string" || obj[f] === "")
      errs.push({ segments: [f], message: "required field is missing" });
  if (errs.length) return errs;
  const cls = await modelFor(obj.apiVersion, obj.kind);
  if (typeof cls !== "function") return [{ segments: [cls.field], message: cls.error }];

  const model = new cls(obj);
  const { proxy, info } = track(model);
  try {
    model.validate.call(proxy);
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    errs.push(...collapseAlternatives(e.errors.map(describe), e.errors));
  }
  unknownFields(model, [], info, errs);
  const md = obj.metadata;
  if (md && typeof md === "object" && !md.name && !md.generateName)
    errs.push({ segments: ["metadata", "name"], message: "required field is missing (or metadata.generateName)" });
  else if (!md)
    errs.push({ segments: ["metadata"], message: "required field is missing" });
  return errs;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length > 1) die("usage: node validate.mjs [FILE|-]");
  const file = args.length && args[0] !== "-" ? args[0] : null;

  try {
    import.meta.resolve("kubernetes-models/v1/Namespace");
    import.meta.resolve("@kubernetes-models/traefik/traefik.io/v1alpha1/IngressRoute");
  } catch {
    die("kubernetes-models is not installed in tests/schema/node_modules: run tools/install-deps " +
        "(or npm ci --prefix tests/schema)");
  }

  let text, doc;
  try {
    text = readFileSync(file ?? 0, "utf8");
  } catch (e) {
    die(`cannot read ${file ?? "standard input"}: ${e.message}`);
  }
  try {
    doc = JSON.parse(text);
  } catch (e) {
    die(`${file ?? "standard input"} is not valid JSON: ${e.message}`);
  }
  let items;
  if (Array.isArray(doc)) items = doc;
  else if (doc !== null && typeof doc === "object" && doc.kind === "List" && doc.apiVersion === "v1") {
    if (!Array.isArray(doc.items)) die("a v1 List without an items array");
    items = doc.items;
  } else if (doc !== null && typeof doc === "object") items = [doc];
  else die("expected a v1 List, an array of objects or one object");

  let good = 0, bad = 0;
  const lines = [];
  for (const obj of items) {
    const o = obj !== null && typeof obj === "object" ? obj : {};
    const md = o.metadata !== null && typeof o.metadata === "object" ? o.metadata : {};
    const id = [o.apiVersion, o.kind].map((v) => (typeof v === "string" && v ? clean(v) : "?")).join(" ") +
      ` ${clean(md.namespace || "-")}/${clean(md.name || md.generateName || "-")}`;
    const errs = await check(obj);
    if (errs.length === 0) { good++; lines.push(`ok ${id}`); continue; }
    bad++;
    const seen = new Set();
    for (const e of errs) {
      const line = `invalid ${id}: ${fmtPath(obj, e.segments)}: ${clean(e.message)}`;
      if (!seen.has(line)) { seen.add(line); lines.push(line); }
    }
  }
  if (items.length === 0) lines.push("invalid: the input holds no object");
  lines.push(`${items.length} object${items.length === 1 ? "" : "s"}: ${good} ok, ${bad} invalid`);
  process.stdout.write(lines.join("\n") + "\n");
  process.exitCode = bad || items.length === 0 ? 1 : 0;
}

main().catch((e) => die(`internal error: ${e.stack || e}`));
