#!/usr/bin/env bash
# Builds the tusk CLI (which is also the agent and the operator) into a directory.
#   scripts/publish.sh [DIR]            framework-dependent ReadyToRun: about a minute; needs the
#                                       .NET 10 runtime on the machine (what `make demo` uses)
#   scripts/publish.sh --release [DIR]  self-contained, Tusk and .NET compiled together into one
#                                       composite ReadyToRun image: 2–6 minutes and about 140 MB,
#                                       needs no .NET on the machine, and short commands start
#                                       faster because far less is left to JIT
# DIR defaults to artifacts/tusk. The release build keeps its own obj/ and bin/ directories:
# mixed with the other build's, a composite-compiled tusk.dll would be copied into a
# framework-dependent publish, which then aborts at start.
set -euo pipefail
cd "$(dirname "$0")/.."
release=false
[ "${1:-}" = "--release" ] && { release=true; shift; }
out=${1:-artifacts/tusk}
if $release; then
  dotnet publish src/Tusk.Cli -c Release -r linux-x64 --self-contained true \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true \
    -p:IntermediateOutputPath=obj/release-composite/ -p:OutputPath=bin/release-composite/ \
    -o "$out" -nologo -v quiet
else
  dotnet publish src/Tusk.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$out" -nologo -v quiet
fi
echo "$out/tusk"
