#!/usr/bin/env bash
# Removes the macmon-exporter LaunchAgent (bootout if loaded, delete the plist). Logs stay.
# node's signature is not touched: removing it would drop the Local Network grant for good.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DRY_RUN=0
case "${1:-}" in
  --dry-run) DRY_RUN=1 ;;
  "") ;;
  -h | --help)
    say "Usage: deploy/launchd/uninstall.sh [--dry-run]"
    exit 0
    ;;
  *) die "unknown argument '$1'" ;;
esac

run() {
  if [ "$DRY_RUN" = 1 ]; then say "would run: $*"; else "$@"; fi
}

command -v launchctl >/dev/null 2>&1 || die "launchctl not found: this removes a macOS LaunchAgent"

if is_loaded; then
  run launchctl bootout "$SERVICE_TARGET"
else
  say "agent $LABEL is not loaded"
fi
if [ -f "$PLIST" ]; then
  run rm -f "$PLIST"
else
  say "no plist at $PLIST"
fi
say "logs kept in $LOG_DIR"
