// The node flags the LaunchAgent runs the exporter with (deploy/launchd's plist template; a test
// checks the two agree). The benchmark measures the exporter with and without them.
export const LAUNCHD_NODE_FLAGS = ['--max-semi-space-size=1', '--lite-mode'] as const;
