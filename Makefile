# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: demo test build format clean

demo:
	scripts/demo.sh

test:
	scripts/install-deps.sh
	scripts/test.sh

build:
	dotnet build Tusk.slnx -nologo

format:
	dotnet format Tusk.slnx

clean:
	rm -rf artifacts src/*/bin src/*/obj tests/*/bin tests/*/obj bench/*/bin bench/*/obj
