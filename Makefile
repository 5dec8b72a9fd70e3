# The two set-up commands on a fresh machine: `make demo` and `make test`.
SWIFT := scripts/swift

.PHONY: build test demo bench
build:
	scripts/bootstrap

test:
	scripts/bootstrap --no-build
	$(SWIFT) test

demo:
	scripts/bootstrap --no-build
	$(SWIFT) build -c release --product logbook
	scripts/demo .build/release/logbook

bench:
	scripts/bootstrap --no-build
	$(SWIFT) build -c release --product RecorderBenchmark
	.build/release/RecorderBenchmark 1000000 5
