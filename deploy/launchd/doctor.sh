#!/usr/bin/env bash
# Checks the pieces the macmon-exporter LaunchAgent needs: a macmon that prints a sample, a
# collector that answers, and the agent itself, and recognises the Local Network privacy failure.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROBLEMS=0
ok() { say "ok    $*"; }
bad() {
  say "FAIL  $*"
  PROBLEMS=$((PROBLEMS + 1))
}

explain_local_network() {
  cat <<TEXT
      This is macOS Local Network privacy, not a routing problem: a LaunchAgent may not open
      connections to LAN addresses until its responsible binary (node) is allowed, and the
      refusal shows up as EHOSTUNREACH / "No route to host". Loopback is never affected.
      Fixes, best first:
        1. send OTLP to a collector on this Mac (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318);
        2. allow node under System Settings > Privacy & Security > Local Network (install.sh
           signs an unsigned node so it can be listed; a Homebrew upgrade of node resets it);
        3. run the exporter as a LaunchDaemon with UserName set (daemons are exempt).
      See deploy/launchd/README.md.
TEXT
}

# The same order the exporter uses: MACMON_PATH, EXO.app's bundled copy, PATH.
find_macmon() {
  local app candidate
  if [ -n "${MACMON_PATH:-}" ]; then
    printf '%s\n' "$MACMON_PATH"
    return
  fi
  for app in /Applications/EXO.app "$HOME/Applications/EXO.app"; do
    [ -d "$app" ] || continue
    candidate="$(find "$app/Contents" -maxdepth 6 -type f -name macmon -perm -u+x 2>/dev/null | head -n 1)"
    if [ -n "$candidate" ]; then
      printf '%s\n' "$candidate"
      return
    fi
  done
  command -v macmon || true
}

check_macmon() {
  local macmon sample pid waited=0 out
  macmon="$(find_macmon)"
  if [ -z "$macmon" ] || [ ! -x "$macmon" ]; then
    bad "macmon not found (looked at MACMON_PATH, /Applications/EXO.app, ~/Applications/EXO.app, PATH)." \
      "Install EXO.app or 'brew install macmon', or set MACMON_PATH."
    return
  fi

  out="$(mktemp)"
  "$macmon" pipe -s 1 -i 200 >"$out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    bad "macmon at $macmon printed nothing within 10 s"
  else
    sample="$(head -c 300 "$out")"
    case "$sample" in
      '{'*) ok "macmon: $macmon"$'\n'"      sample: $sample" ;;
      *) bad "macmon at $macmon failed: $sample" ;;
    esac
  fi
  rm -f "$out"
}

installed_endpoint() {
  local value=""
  if [ -f "$PLIST" ] && command -v plutil >/dev/null 2>&1; then
    value="$(plutil -extract EnvironmentVariables.OTEL_EXPORTER_OTLP_ENDPOINT raw -o - "$PLIST" 2>/dev/null || true)"
  fi
  printf '%s\n' "${OTEL_EXPORTER_OTLP_ENDPOINT:-${value:-http://127.0.0.1:4318}}"
}

check_collector() {
  local endpoint status error
  endpoint="$(installed_endpoint)"
  error="$(mktemp)"
  status="$(curl -sS -m 5 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data '{}' "${endpoint%/}/v1/metrics" 2>"$error")"
  if [ "${status:-000}" != "000" ]; then
    ok "collector $endpoint answers (HTTP $status)"
  elif grep -qi 'no route to host' "$error"; then
    bad "collector $endpoint: No route to host"
    explain_local_network
  else
    bad "collector $endpoint does not answer: $(head -c 300 "$error")"
  fi
  rm -f "$error"
}

check_agent() {
  local log="$LOG_DIR/macmon-exporter.log"
  if ! command -v launchctl >/dev/null 2>&1; then
    say "skip  launchctl not found (not macOS?)"
    return
  fi
  if is_loaded; then
    ok "agent $LABEL loaded ($(launchctl print "$SERVICE_TARGET" 2>/dev/null | grep -E 'state =|last exit code' | tr -s ' ' | tr '\n' ';'))"
  else
    bad "agent $LABEL not loaded; run deploy/launchd/install.sh"
  fi
  # Terminal and SSH are exempt from Local Network privacy, so the probe above can pass while
  # the agent fails: its own log is the evidence.
  if [ -f "$log" ] && tail -n 500 "$log" | grep -Eq 'EHOSTUNREACH|No route to host|Local Network'; then
    bad "the agent's exports fail with EHOSTUNREACH (see $log)"
    explain_local_network
  fi
}

check_macmon
check_collector
check_agent
if [ "$PROBLEMS" -eq 0 ]; then
  say "all checks passed"
else
  say "$PROBLEMS problem(s) found"
fi
[ "$PROBLEMS" -eq 0 ]
