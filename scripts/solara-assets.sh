#!/usr/bin/env bash
# Put the browser assets the workshop app needs (sim/app.py) into Solara's local asset
# cache, so the app works without a connection to a public CDN.
#
# Solara serves a few npm packages (its Vuetify app bundle, require.js, Font Awesome)
# through its own proxy, which otherwise fetches them from a CDN on first use.  This
# script finds the exact package versions the installed Solara asks for and unpacks
# them from the npm registry with `npm pack`.
#
# Usage: scripts/solara-assets.sh [path/to/python]   (default: .venv/bin/python)
set -euo pipefail
PY="${1:-.venv/bin/python}"
command -v npm >/dev/null 2>&1 || { echo "solara-assets: npm not found; it fetches the app's browser assets from the npm registry (Debian: apt-get install npm)" >&2; exit 1; }

CACHE="$("$PY" -c 'import solara.server.settings as s; print(s.assets.proxy_cache_dir)')"
SOLARA_DIR="$("$PY" -c 'import solara, os; print(os.path.dirname(solara.__file__))')"
# every exact 'name@x.y.z/' that Solara's templates and components put behind its CDN proxy
mapfile -t PKGS < <("$PY" - "$SOLARA_DIR" <<'EOF'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
files = [*root.glob("server/templates/*.j2"), root / "components/markdown.py", root / "server/settings.py"]
pat = re.compile(r"(?:\{\{cdn\}\}|getCdn\(\)\}|fontawesome_path: str = \")/((?:@[\w.-]+/)?[\w.-]+@\d+\.\d+\.\d+)/")
found = sorted({m for f in files if f.exists() for m in pat.findall(f.read_text(encoding="utf-8"))})
print("\n".join(found))
EOF
)
[ "${#PKGS[@]}" -gt 0 ] || { echo "solara-assets: found no CDN packages in $SOLARA_DIR" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
for spec in "${PKGS[@]}"; do
  dest="$CACHE/$spec"
  if [ -d "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
    echo "solara-assets: $spec already cached"
    continue
  fi
  ( cd "$TMP" && npm pack --silent "$spec" >/dev/null )
  tgz="$(ls -t "$TMP"/*.tgz | head -1)"
  mkdir -p "$dest"
  tar -xzf "$tgz" -C "$dest" --strip-components=1
  rm -f "$tgz"
  echo "solara-assets: cached $spec"
done
