# ember's entry points. `make demo` and `make test` do all set-up on a fresh Debian 12 machine.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench install clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The demo needs only the CLI and the two plugins it loads; `make test` builds everything.
demo: configure
	@cmake --build $(BUILD) -j $(JOBS) --target ember_cli ember_cpu ember_sim
	@$(BUILD)/bin/ember demo

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Benchmarks beside libtorch; see docs/PERFORMANCE.md for how numbers are taken.
bench: build
	@env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BUILD)/bin/ember_bench --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true $(BENCH_ARGS)

install: build
	@cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	@rm -rf $(BUILD)
