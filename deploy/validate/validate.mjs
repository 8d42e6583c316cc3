// Validates every object in the given multi-document YAML files against the Kubernetes schemas with the
// npm packages kubernetes-models and @kubernetes-models/validate (required fields, types, formats).
// Prints one line per object; exits 1 if any object fails or has a kind it does not know, 2 on bad usage.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.yaml...");
  process.exit(2);
}
let failed = 0;
let checked = 0;
for (const file of files) {
  for (const doc of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (doc == null) continue;
    const { apiVersion, kind } = doc;
    const name = `${apiVersion}/${kind} ${doc.metadata?.name ?? "(no name)"}`;
    let Model;
    try {
      // "v1" -> kubernetes-models/v1, "apps/v1" -> kubernetes-models/apps/v1
      Model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
    } catch (e) {
      Model = undefined;
    }
    if (typeof Model !== "function") {
      console.log(`FAIL ${name}: no model in kubernetes-models for this kind`);
      failed++;
      continue;
    }
    try {
      new Model(doc).validate();
      console.log(`ok   ${name}`);
    } catch (e) {
      console.log(`FAIL ${name}: ${e.message}`);
      failed++;
    }
    checked++;
  }
}
console.log(`${checked} object(s) checked, ${failed} failed`);
process.exit(failed === 0 && checked > 0 ? 0 : 1);
