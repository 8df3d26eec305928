#!/usr/bin/env bash
# Builds and runs every test (unit and end-to-end with real PostgreSQL, Patroni, etcd and
# HAProxy processes), then prints one summary line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
dotnet build Tusk.slnx -c Release -nologo -v quiet || exit 1
dotnet test tests/Tusk.Tests -c Release --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" \
  --logger "console;verbosity=normal" "$@"
status=$?
python3 - "$results/results.trx" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print(f"0 passed, 1 failed (no test results: {e})"); sys.exit(0)
ns = {'t': root.tag.split('}')[0].strip('{')}
c = root.find('.//t:ResultSummary/t:Counters', ns).attrib
skipped = int(c.get('notExecuted', 0))
for e in root.iterfind('.//t:UnitTestResult', ns):
    if e.get('outcome') == 'Failed':
        print(f"FAILED: {e.get('testName')}")
        message = e.find('t:Output/t:ErrorInfo/t:Message', ns)
        if message is not None and message.text:
            print('  ' + message.text.strip().replace('\n', '\n  ')[:2000])
print(f"{c.get('passed', 0)} passed, {c.get('failed', 0)} failed, {skipped} skipped")
PY
rm -rf "$results"
exit $status
