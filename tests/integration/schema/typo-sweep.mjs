// typo-sweep.mjs - prove the validator's unknown-field check holds at every
// level, not only where a hand-written fixture put a typo.
//
//   node typo-sweep.mjs VALIDATE_MJS FIXTURE.json...
//
// For each valid fixture object and each JSON object inside it, make a copy
// with one extra key "zzTypo" at that place, run all the copies through the
// validator in one go, and require each to be rejected with "zzTypo: unknown
// field".  Free-form string maps (labels, data, ...) accept any key by design
// and are only counted.  Prints one line per miss and a summary; exits 1 on
// any miss.

import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

// Fields whose value is a map with arbitrary keys in the Kubernetes schemas.
const MAPS = new Set(["labels", "annotations", "matchLabels", "data", "stringData", "binaryData",
  "nodeSelector", "customRequestHeaders", "customResponseHeaders", "hard", "limits", "requests",
  "default", "defaultRequest", "max", "min", "maxLimitRequestRatio", "parameters"]);

const [validate, ...fixtures] = process.argv.slice(2);
const mutants = [];
for (const file of fixtures) {
  const obj = JSON.parse(readFileSync(file, "utf8"));
  (function walk(node, path) {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, [...path, i]));
    if (node === null || typeof node !== "object") return;
    const copy = structuredClone(obj);
    let at = copy;
    for (const seg of path) at = at[seg];
    at.zzTypo = "x";
    const name = `sweep-${mutants.length}`;
    copy.metadata = { ...copy.metadata, name };
    mutants.push({ file, path: path.join(".") || ".", map: MAPS.has(path[path.length - 1]), name, copy });
    for (const k of Object.keys(node)) walk(node[k], [...path, k]);
  })(obj, []);
}

const run = spawnSync(process.execPath, [validate, "-"], {
  input: JSON.stringify({ apiVersion: "v1", kind: "List", items: mutants.map((m) => m.copy) }),
  encoding: "utf8",
});
if (run.status !== 1) {
  console.log(`validator exited ${run.status}, want 1\n${run.stdout}${run.stderr}`);
  process.exit(1);
}
const lines = run.stdout.split("\n");
let caught = 0, maps = 0, missed = 0;
for (const m of mutants) {
  const mine = lines.filter((l) => l.includes(`/${m.name}:`) || l.endsWith(`/${m.name}`));
  if (mine.some((l) => l.includes("zzTypo: unknown field"))) caught++;
  else if (m.map) maps++;
  else { missed++; console.log(`missed ${m.file} ${m.path}: ${mine.join(" | ") || "no output"}`); }
}
console.log(`${mutants.length} typo copies: ${caught} rejected, ${maps} in free-form maps, ${missed} missed`);
process.exit(missed || caught === 0 ? 1 : 0);
