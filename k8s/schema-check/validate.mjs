// Validates Kubernetes objects (multi-document YAML files, e.g. the output of `kubectl kustomize`) against the
// Kubernetes API schemas, offline: the JSON schemas of the npm package kubernetes-models (the built-in kinds) and of
// @kubernetes-models/keda (KEDA's CRDs) and @kubernetes-models/prometheus-operator (ServiceMonitor, PrometheusRule),
// compiled into validators. Like `kubectl apply` (strict field validation),
// it also refuses a field the schema does not define: the compiled validator reads every property its schema
// defines, so a key of an object that it never read is one the schema does not know (objects whose keys it lists
// are maps, such as labels; objects it reads nothing of are free-form).
//
//   node validate.mjs FILE...                   every object valid, or exit 1 naming each error
//   node validate.mjs --expect-invalid FILE...  each file holds one object that must be refused, with the text of
//                                               its first line "# expect: TEXT" in the reason (the check's own test)
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

/** Where the schemas of an API group live: the built-in groups in kubernetes-models, CRD groups in their package. */
const CRD_PACKAGES = {
  "keda.sh": "@kubernetes-models/keda/keda.sh",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator/monitoring.coreos.com",
};

async function modelOf(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const version = apiVersion.slice(apiVersion.indexOf("/") + 1);
  const base = CRD_PACKAGES[group] ?? (group === "" ? "kubernetes-models" : `kubernetes-models/${group}`);
  try {
    const Model = (await import(`${base}/${version}/${kind}`))[kind];
    // a nested type (apps/v1 DeploymentSpec) is no kind of its own
    return Model && Model.apiVersion === apiVersion && Model.kind === kind ? Model : null;
  } catch (e) {
    if (e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || e.code === "ERR_MODULE_NOT_FOUND") {
      return null;
    }
    throw e;
  }
}

/** The object's errors: the schema's, then every field the schema does not define. */
function check(Model, object) {
  const nodes = [];
  const watch = (value, path) => {
    if (value === null || typeof value !== "object") {
      return value;
    }
    if (Array.isArray(value)) {
      return value.map((item, i) => watch(item, `${path}/${i}`));
    }
    const node = { path, keys: Object.keys(value), read: new Set(), listed: false };
    nodes.push(node);
    const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, watch(v, `${path}/${k}`)]));
    return new Proxy(copy, {
      get(target, key, receiver) {
        if (typeof key === "string") node.read.add(key);
        return Reflect.get(target, key, receiver);
      },
      has(target, key) {
        if (typeof key === "string") node.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        node.listed = true;
        return Reflect.ownKeys(target);
      },
    });
  };
  const errors = [];
  try {
    Model.prototype.validate.call(watch(object, ""));
  } catch (e) {
    errors.push(e.message);
  }
  for (const node of nodes) {
    if (!node.listed && node.read.size > 0) {
      for (const key of node.keys.filter((k) => !node.read.has(k))) {
        errors.push(`${node.path}/${key}: unknown field "${key}"`);
      }
    }
  }
  return errors;
}

async function validateFile(file) {
  const results = [];
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      results.push({ name: `${file}: YAML`, errors: doc.errors.map((e) => e.message) });
      continue;
    }
    const object = doc.toJS();
    if (object === null) {
      continue;
    }
    const name = `${object.kind} ${object.metadata?.namespace ? object.metadata.namespace + "/" : ""}${object.metadata?.name}`;
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
      results.push({ name, errors: ["apiVersion and kind are required"] });
      continue;
    }
    const Model = await modelOf(object.apiVersion, object.kind);
    results.push(Model ? { name, errors: check(Model, object) }
      : { name, errors: [`no schema for apiVersion ${object.apiVersion} kind ${object.kind}`] });
  }
  return results;
}

const args = process.argv.slice(2);
const expectInvalid = args[0] === "--expect-invalid";
const files = expectInvalid ? args.slice(1) : args;
let failed = 0;
if (expectInvalid) {
  for (const file of files) {
    const expected = /^# expect: (.+)$/m.exec(readFileSync(file, "utf8"))?.[1]?.trim();
    const errors = (await validateFile(file)).flatMap((r) => r.errors);
    if (!expected || !errors.some((e) => e.includes(expected))) {
      failed++;
      console.log(`NOT REFUSED AS EXPECTED ${file}: expected "${expected}", got ${errors.length ? errors.join("; ") : "no error"}`);
    } else {
      console.log(`refused as expected  ${file}: ${expected}`);
    }
  }
  console.log(failed ? `schema check self-test: ${failed} of ${files.length} broken manifests not refused`
    : `schema check self-test: all ${files.length} broken manifests refused`);
} else {
  let count = 0;
  for (const file of files) {
    for (const { name, errors } of await validateFile(file)) {
      count++;
      if (errors.length) {
        failed++;
        console.log(`INVALID ${file}: ${name}\n  ${errors.join("\n  ")}`);
      }
    }
    console.log(`${file}: checked`);
  }
  console.log(failed ? `schema check: ${failed} of ${count} objects invalid`
    : `schema check: all ${count} objects valid against the Kubernetes API schemas`);
}
process.exit(failed ? 1 : 0);
