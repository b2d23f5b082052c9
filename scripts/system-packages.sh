# Debian packages the workbench needs, installed only when missing. Sourced by scripts/run and
# scripts/test (so both README commands work on a fresh machine); defines as_root, apt_install
# and the package lists.
#
# RUNTIME_PACKAGES: WeasyPrint's Pango and HarfBuzz (the app imports WeasyPrint at start, for
# the report), real fonts for the PDF, and poppler-utils (pdftoppm draws the report pane's
# page images). TEST_PACKAGES adds Debian's Chromium for the browser tests.

RUNTIME_PACKAGES=(fonts-dejavu-core fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0
  libharfbuzz-subset0 poppler-utils)
TEST_PACKAGES=(chromium "${RUNTIME_PACKAGES[@]}")

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "$(basename "$0"): need root (or sudo) to run: $*" >&2
    return 1
  fi
}

apt_updated=0
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "$(basename "$0"): missing ${missing[*]} and no apt-get; install them yourself." >&2
    return 1
  fi
  printf '\n==> Installing %s\n' "${missing[*]}"
  if [ "$apt_updated" -eq 0 ]; then
    as_root apt-get update -qq || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}
