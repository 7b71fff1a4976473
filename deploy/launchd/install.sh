#!/usr/bin/env bash
# Installs the macmon-exporter LaunchAgent for the logged-in user, idempotently:
# renders the plist with this checkout's paths and the node binary, makes sure that node has a
# signature macOS Local Network privacy can key a grant to, then bootout (if loaded) + bootstrap.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<USAGE
Usage: deploy/launchd/install.sh [--dry-run] [--print-plist] [--restart]

  --dry-run      say what would change; write, sign and load nothing
  --print-plist  print the rendered plist and exit
  --restart      reload the agent even when nothing changed

Environment (written into the plist):
  OTEL_EXPORTER_OTLP_ENDPOINT  collector base URL (default http://127.0.0.1:4318)
  OTEL_METRIC_EXPORT_INTERVAL  export interval in ms (default 5000)
  LAB_ENVIRONMENT              deployment.environment (default lab)
  LAB_CLUSTER, LAB_HOST_NAME, LOG_LEVEL, MACMON_PATH, MACMON_INTERVAL_MS,
  OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_RESOURCE_ATTRIBUTES   copied when set
  NODE_BIN                     node to run (default: node on PATH)
USAGE
}

DRY_RUN=0
PRINT_PLIST=0
RESTART=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    --print-plist) PRINT_PLIST=1 ;;
    --restart) RESTART=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument '$arg' (see --help)" ;;
  esac
done

# Runs a command that changes something, or only says it in a dry run.
act() {
  if [ "$DRY_RUN" = 1 ]; then
    say "would run: $*"
  else
    "$@"
  fi
}

find_node() {
  local node="${NODE_BIN:-}"
  if [ -z "$node" ]; then
    node="$(command -v node || true)"
  fi
  [ -n "$node" ] || die "no node found; install Node.js >= 22.19 or set NODE_BIN=/path/to/node"
  [ -x "$node" ] || die "NODE_BIN=$node is not executable"
  case "$node" in
    /*) ;;
    *) node="$(cd "$(dirname "$node")" && pwd)/$(basename "$node")" ;;
  esac
  printf '%s\n' "$node"
}

env_entry() {
  printf '    <key>%s</key>\n    <string>%s</string>\n' "$1" "$(xml_escape "$2")"
}

render_plist() {
  local node="$1" environment="" name template
  environment+="$(env_entry PATH "/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")"$'\n'
  environment+="$(env_entry NODE_ENV production)"$'\n'
  environment+="$(env_entry OTEL_EXPORTER_OTLP_ENDPOINT "${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4318}")"$'\n'
  environment+="$(env_entry OTEL_METRIC_EXPORT_INTERVAL "${OTEL_METRIC_EXPORT_INTERVAL:-5000}")"$'\n'
  environment+="$(env_entry LAB_ENVIRONMENT "${LAB_ENVIRONMENT:-lab}")"
  for name in LAB_CLUSTER LAB_HOST_NAME LOG_LEVEL MACMON_PATH MACMON_INTERVAL_MS \
    OTEL_EXPORTER_OTLP_PROTOCOL OTEL_RESOURCE_ATTRIBUTES; do
    if [ -n "${!name:-}" ]; then
      environment+=$'\n'"$(env_entry "$name" "${!name}")"
    fi
  done

  template="$(cat "$TEMPLATE")"
  template="${template//@@LABEL@@/$LABEL}"
  template="${template//@@NODE@@/$(xml_escape "$node")}"
  template="${template//@@SERVICE_DIR@@/$(xml_escape "$SERVICE_DIR")}"
  template="${template//@@LOG_DIR@@/$(xml_escape "$LOG_DIR")}"
  template="${template//@@ENVIRONMENT@@/$environment}"
  printf '%s\n' "$template"
}

# Local Network privacy keys a grant to the responsible binary's signature (deploy.md §5.3).
# Unsigned, or linker-signed with no identifier: nothing to key to, so sign ad hoc once.
# Signed: never re-sign, since a new signature is a new program and silently drops the grant.
ensure_signature() {
  local binary="$1" details
  if ! details="$(codesign -dv --verbose=4 "$binary" 2>&1)"; then
    say "node signature: none"
  elif printf '%s\n' "$details" | grep -Eq '^Identifier=-$|linker-signed'; then
    say "node signature: linker-only (no identifier Local Network privacy can match)"
  else
    say "node signature: present, left alone ($(printf '%s\n' "$details" | grep -E '^(Identifier|Signature|Authority)=' | head -2 | tr '\n' ' '))"
    return 0
  fi

  if [ ! -w "$binary" ] && [ "$DRY_RUN" = 0 ]; then
    warn "cannot sign $binary (not writable). Run: sudo codesign --force --sign - '$binary'"
    return 0
  fi
  act codesign --force --sign - "$binary"
  [ "$DRY_RUN" = 1 ] || say "signed $binary ad hoc; approve it once under System Settings > Privacy & Security > Local Network"
}

warn_if_replaced_by_upgrades() {
  local node="$1" real="$2"
  case "$node:$real" in
    */Cellar/* | /opt/homebrew/* | /usr/local/opt/*)
      warn "this node comes from Homebrew: every 'brew upgrade node' installs a new binary, which" \
        "resets its Local Network grant (the agent then gets 'No route to host' to LAN collectors)." \
        "Prefer a collector on 127.0.0.1, the nodejs.org installer's node (stable Developer ID" \
        "signature) via NODE_BIN, or 'brew pin node'. See deploy/launchd/README.md."
      ;;
    */.nvm/* | */.fnm/* | */.volta/* | */.asdf/* | */mise/*)
      warn "this node comes from a version manager: switching or upgrading versions changes the" \
        "binary and resets its Local Network grant. Consider NODE_BIN pointing at a pinned node."
      ;;
  esac
}

main() {
  [ -f "$TEMPLATE" ] || die "template missing: $TEMPLATE"
  local node real rendered
  node="$(find_node)"
  real="$(resolve_path "$node")"
  rendered="$(render_plist "$node")"

  if [ "$PRINT_PLIST" = 1 ]; then
    printf '%s\n' "$rendered"
    return 0
  fi

  command -v launchctl >/dev/null 2>&1 || die "launchctl not found: this installs a macOS LaunchAgent"
  command -v codesign >/dev/null 2>&1 || die "codesign not found (install the Xcode command line tools)"
  [ "$DRY_RUN" = 1 ] && say "dry run: nothing will be written, signed or loaded"

  say "node: $node$([ "$real" != "$node" ] && printf ' -> %s' "$real") ($("$node" --version 2>/dev/null || echo 'version unknown'))"
  warn_if_replaced_by_upgrades "$node" "$real"
  [ -f "$SERVICE_DIR/dist/main.js" ] ||
    warn "$SERVICE_DIR/dist/main.js is missing; run 'pnpm --filter @llm-lab/macmon-exporter build'"

  ensure_signature "$real"

  local changed=1
  if [ -f "$PLIST" ] && [ "$(cat "$PLIST")" = "$rendered" ]; then changed=0; fi
  if [ "$changed" = 1 ]; then
    act mkdir -p "$AGENTS_DIR" "$LOG_DIR"
    if [ "$DRY_RUN" = 1 ]; then
      say "would write: $PLIST"
    else
      printf '%s\n' "$rendered" >"$PLIST.tmp"
      mv "$PLIST.tmp" "$PLIST"
      say "wrote $PLIST"
    fi
  else
    say "plist unchanged: $PLIST"
  fi

  if is_loaded; then
    if [ "$changed" = 0 ] && [ "$RESTART" = 0 ]; then
      say "agent $LABEL already loaded with this plist; nothing to do"
      return 0
    fi
    act launchctl bootout "$SERVICE_TARGET" || true
  fi
  act launchctl bootstrap "$DOMAIN" "$PLIST"
  say "agent $LABEL loaded in $DOMAIN; logs in $LOG_DIR; check it with deploy/launchd/doctor.sh"
}

main
