# The two set-up commands on a fresh machine: `make demo` and `make test`.
SWIFT := scripts/swift
# Every target builds `--mode mpi` in (Package.swift declares it only when
# this is 1; scripts/bootstrap installs Open MPI): LOGBOOK_MPI=0 builds without.
export LOGBOOK_MPI ?= 1

.PHONY: build lint format test demo ci-example bench bench-sim bench-crawl bench-compare bench-shared fuzz
build:
	scripts/bootstrap

# The suites whose code runs threads, named whole: in the test process (the
# Recorder and its channel, the steppers, crawl workers) or in the logbook
# binary they start, which the TSan pass builds with TSan too; its exit status
# (66 after a race report) is what those tests check.
TSAN_SUITES := \
	LogbookStoreTests.RecorderTests \
	LogbookStoreTests.PostgresStoreTests \
	LogbookCrawlTests.InProcessSharedCrawlTests \
	LogbookSimTests.DeterminismTests \
	LogbookSimTests.PhysicsTests \
	LogbookSimTests.FrameByteBudgetTests \
	LogbookCrawlTests.CrawlTests \
	LogbookCrawlTests.CrawlCommandTests \
	LogbookCrawlTests.HostLimiterTests \
	LogbookCLITests.SimulateCommandTests \
	LogbookCompareTests.SimulationDiffTests

# The formatter's check (.swift-format); `make format` applies it.
FORMATTED := Sources Tests Benchmarks Fuzz Package.swift
lint:
	$(SWIFT) format lint --strict --parallel --recursive $(FORMATTED)

format:
	$(SWIFT) format format --in-place --parallel --recursive $(FORMATTED)

# The format check, everything, then the suites that run threads again under ThreadSanitizer.
test: lint
	scripts/bootstrap --no-build
	$(SWIFT) test
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan $(foreach suite,$(TSAN_SUITES),--filter '^$(suite)/')

demo:
	scripts/bootstrap --no-build
	$(SWIFT) build -c release --product logbook
	scripts/demo .build/release/logbook

# A CI job's use of logbook on the demo site's build folder: SARIF, JUnit, annotations; exits 1 (dead links).
ci-example:
	scripts/bootstrap --no-build
	$(SWIFT) build -c release --product logbook
	scripts/ci-example .build/release/logbook

bench:
	scripts/bootstrap --no-build
	$(SWIFT) build -c release --product RecorderBenchmark
	.build/release/RecorderBenchmark 1000000 5

bench-sim:
	scripts/bootstrap --no-build
	mkdir -p .build
	gcc -O3 -march=native -ffast-math -pthread -o .build/nbody-c Benchmarks/CKernel/nbody.c -lm
	$(SWIFT) build -c release --product SimBenchmark
	$(SWIFT) build -c release --product logbook
	.build/release/SimBenchmark .build/nbody-c .build/release/logbook

bench-crawl:
	scripts/bootstrap --no-build
	scripts/bench-crawl

bench-compare:
	scripts/bootstrap --no-build
	scripts/bench-compare

# A crawl shared through PostgreSQL by 1, 2 and 4 processes, and one process into SQLite, on a site
# answering 20 ms late: pages per second and PostgreSQL's share of CPU (ROUNDS, PAGES, WORKERS: the script).
bench-shared:
	scripts/bootstrap --no-build
	scripts/bench-shared

# libFuzzer on each fuzz target for FUZZ_SECONDS (README, "Fuzzing"); fails on any find.
FUZZ_SECONDS ?= 30
fuzz:
	scripts/bootstrap --no-build
	scripts/fuzz $(FUZZ_SECONDS)
