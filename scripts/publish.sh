#!/usr/bin/env bash
# Builds the tusk CLI (which is also the agent and the operator) into a directory.
#   scripts/publish.sh [DIR]            framework-dependent ReadyToRun: about a minute; needs the
#                                       .NET 10 runtime on the machine (what `make demo` uses)
#   scripts/publish.sh --release [DIR]  self-contained, Tusk and .NET compiled together into one
#                                       composite ReadyToRun image: 2–6 minutes and about 140 MB,
#                                       needs no .NET on the machine, and short commands start
#                                       faster because far less is left to JIT
#   scripts/publish.sh --aot [DIR]      native AOT: one self-contained executable (about 30 MB), no
#                                       JIT at all, the fastest start-up; 3–6 minutes, needs clang and
#                                       zlib1g-dev (apt) besides the SDK
# DIR defaults to artifacts/tusk. The release build keeps its own obj/ and bin/ directories:
# mixed with the other build's, a composite-compiled tusk.dll would be copied into a
# framework-dependent publish, which then aborts at start.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=default
case "${1:-}" in
  --release) mode=release; shift ;;
  --aot) mode=aot; shift ;;
esac
out=${1:-artifacts/tusk}
if [ $mode = aot ]; then
  # Its own obj/ and bin/ too. The trim and AOT analyzers already run in every build (warnings are
  # errors); the AOT compiler's own analysis of the whole program must find nothing either.
  dotnet publish src/Tusk.Cli -c Release -r linux-x64 -p:PublishAot=true -p:TrimmerSingleWarn=false \
    -p:IntermediateOutputPath=obj/aot/ -p:OutputPath=bin/aot/ \
    -o "$out" -nologo -v quiet
  rm -f "$out/tusk.dbg"
elif [ $mode = release ]; then
  dotnet publish src/Tusk.Cli -c Release -r linux-x64 --self-contained true \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true \
    -p:IntermediateOutputPath=obj/release-composite/ -p:OutputPath=bin/release-composite/ \
    -o "$out" -nologo -v quiet
else
  dotnet publish src/Tusk.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$out" -nologo -v quiet
fi
echo "$out/tusk"
