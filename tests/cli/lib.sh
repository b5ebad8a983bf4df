# Sourced by the script tests, with the hmmm binary as $1: sets HMMM (its
# absolute path) and ROOT (the source tree), moves into a work folder that
# is removed at the end (readable again first, for tests that lock it), and
# defines fail, which reports and marks the test failed (exit $failed).
HMMM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hmmm-test.XXXXXX")
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 2
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }
