#!/usr/bin/env bash
# Runs every test suite of the repository and ends with one line "N passed, N failed".
#   bash scripts/test.sh
# Suites: the C# projects under tests/ (xunit). Later suites (extension, end-to-end) add their counts here.
# Needs only the .NET 10 SDK: traces and goldens are committed, Go is not required.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

passed=0; failed=0; status=0

# --- C# (xunit) ---
dotnet test Server.sln -c Release --nologo --logger "trx" --results-directory "$results/dotnet" \
  -- RunConfiguration.TestSessionTimeout=1500000 || status=1
shopt -s nullglob
trx=("$results"/dotnet/*.trx)
if [ ${#trx[@]} -eq 0 ]; then
  echo "no test results were produced by dotnet test" >&2
  status=1
fi
for f in "${trx[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  # Anything that did not pass (failed, errored, timed out, aborted) counts as failed.
  failed=$((failed + ${t:-0} - ${p:-0}))
  [ "${n:-0}" -eq 0 ] || status=1
done

[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
