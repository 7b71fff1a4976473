# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this
# Shared by install.sh, uninstall.sh and doctor.sh: names, paths and small helpers.

# bash >= 5.2 expands `&` in ${var//pattern/replacement} to the match; XML escaping needs it literal.
shopt -u patsub_replacement 2>/dev/null || true

LABEL="lab.llm.macmon-exporter"
LAUNCHD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LAUNCHD_DIR/../.." && pwd)"
SERVICE_DIR="$REPO_DIR/services/macmon-exporter"
TEMPLATE="$LAUNCHD_DIR/$LABEL.plist.template"
AGENTS_DIR="${LAUNCH_AGENTS_DIR:-$HOME/Library/LaunchAgents}"
LOG_DIR="${LLM_LAB_LOG_DIR:-$HOME/Library/Logs/llm-lab}"
PLIST="$AGENTS_DIR/$LABEL.plist"
DOMAIN="gui/$(id -u)"
SERVICE_TARGET="$DOMAIN/$LABEL"

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Follows symlinks to the real file (macOS before 13 has no realpath(1)).
resolve_path() {
  local path="$1" dir link
  while [ -L "$path" ]; do
    dir="$(cd -P "$(dirname "$path")" && pwd)"
    link="$(readlink "$path")"
    case "$link" in
      /*) path="$link" ;;
      *) path="$dir/$link" ;;
    esac
  done
  dir="$(cd -P "$(dirname "$path")" && pwd)"
  printf '%s/%s\n' "$dir" "$(basename "$path")"
}

xml_escape() {
  local value="$1"
  value="${value//&/&amp;}"
  value="${value//</&lt;}"
  value="${value//>/&gt;}"
  printf '%s' "$value"
}

is_loaded() {
  launchctl print "$SERVICE_TARGET" >/dev/null 2>&1
}
