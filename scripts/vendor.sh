#!/usr/bin/env bash
# Refresh the vendored front-end files from their npm packages (run by hand, then commit).
# Pages never load anything from the internet: these copies are served by whitenoise.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent bootstrap@5.3.9 axe-core@4.14.1 leaflet@1.9.4 >/dev/null && for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done)
dest=lacznik/core/static/vendor/bootstrap
cp "$work"/bootstrap-5.3.9/package/dist/css/bootstrap.min.css "$work"/bootstrap-5.3.9/package/dist/js/bootstrap.bundle.min.js "$dest"/
cp "$work"/bootstrap-5.3.9/package/LICENSE "$dest"/LICENSE
# Source maps are not shipped; drop the references so browsers do not ask for them.
sed -i 's#/\*\# sourceMappingURL=.*\*/##' "$dest"/bootstrap.min.css
sed -i 's#//\# sourceMappingURL=.*##' "$dest"/bootstrap.bundle.min.js
dest=lacznik/core/static/vendor/leaflet
mkdir -p "$dest"/images
cp "$work"/leaflet-1.9.4/package/dist/leaflet.js "$work"/leaflet-1.9.4/package/dist/leaflet.css "$dest"/
cp "$work"/leaflet-1.9.4/package/dist/images/*.png "$dest"/images/
cp "$work"/leaflet-1.9.4/package/LICENSE "$dest"/LICENSE
sed -i 's#//\# sourceMappingURL=.*##' "$dest"/leaflet.js
cp "$work"/axe-core-4.14.1/package/axe.min.js tests/assets/axe.min.js
cp "$work"/axe-core-4.14.1/package/LICENSE tests/assets/axe-core.LICENSE
echo "Vendored bootstrap 5.3.9, leaflet 1.9.4 and axe-core 4.14.1."
