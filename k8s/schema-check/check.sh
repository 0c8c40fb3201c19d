#!/usr/bin/env bash
# Renders both kustomize overlays (kubectl kustomize, as KustomizeManifestsTest does) and validates every object
# against the Kubernetes API schemas, offline (validate.mjs: kubernetes-models and KEDA's CRD schemas from npm), after
# checking that the validator refuses the broken manifests in broken/. Run by `mvn verify` (exec execution
# validate-k8s-manifests; -Dk8s.schema.skip=true skips it); skipped with one line where kubectl is missing.
#
#   k8s/schema-check/check.sh [work directory, default $TMPDIR/k8s-schema-check-<hash of the validator>]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# the default work directory is named by the validator's contents: a changed package.json or validate.mjs gets a fresh
# install (npm does not re-copy a local package whose version is unchanged)
version=$(cat "$here/package.json" "$here/validate.mjs" | sha1sum | cut -c1-12)
work=${1:-${TMPDIR:-/tmp}/k8s-schema-check-$version}
if ! command -v kubectl > /dev/null; then
    echo "kubectl is not installed: the k8s manifests are not validated against the Kubernetes API schemas"
    exit 0
fi
mkdir -p "$work"
# the validator and its pinned packages, copied (not linked) into the work directory, so nothing is written here
npm install --prefix "$work" --install-links --no-save --no-audit --no-fund --loglevel=error "$here" > "$work/npm.log" 2>&1 \
    || { cat "$work/npm.log"; exit 1; }
validate=("node" "$work/node_modules/ai-webhook-gateway-manifest-check/validate.mjs")
"${validate[@]}" --expect-invalid "$here"/broken/*.yaml
for overlay in prod local; do
    kubectl kustomize "$here/../overlays/$overlay" > "$work/$overlay.yaml"
done
"${validate[@]}" "$work/prod.yaml" "$work/local.yaml"
