# ember's entry points. `make demo` and `make test` do all set-up on a fresh Debian 12 machine.
# Reliability targets (check-sanitize, check-tsan, fuzz) are described in docs/RELIABILITY.md.
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

# The compiler: gcc by default; `make test CXX=clang++` builds with clang 14 in its own build
# directory (build-clang), so that both builds can live side by side. CC follows CXX unless given.
ifneq ($(filter command line environment,$(origin CXX)),)
  ifeq ($(filter command line environment,$(origin CC)),)
    CC := $(subst g++,gcc,$(subst clang++,clang,$(CXX)))
  endif
  COMPILER_FLAGS := -DCMAKE_CXX_COMPILER=$(CXX) -DCMAKE_C_COMPILER=$(CC)
  ifneq ($(findstring clang,$(CXX)),)
    BUILD ?= build-clang
  endif
endif
BUILD ?= build

# Sanitizer and fuzzing builds: clang 14, each in its own directory (cmake/EmberSanitizers.cmake).
SAN_CXX ?= clang++
SAN_CC ?= clang
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
SAN_COMPILERS := -DCMAKE_CXX_COMPILER=$(SAN_CXX) -DCMAKE_C_COMPILER=$(SAN_CC)
SUPPRESSIONS := $(CURDIR)/tests/sanitizers
# Runtime options for every sanitized process (docs/RELIABILITY.md says why each is set).
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:intercept_tls_get_addr=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
            LSAN_OPTIONS=suppressions=$(SUPPRESSIONS)/lsan.supp:print_suppressions=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$(SUPPRESSIONS)/ubsan.supp
TSAN_ENV := TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(SUPPRESSIONS)/tsan.supp \
            OMP_NUM_THREADS=1
# check-sanitize runs the whole suite unless SANITIZE_AREAS (test areas: tests/<area>/, e.g.
# "core dispatcher") or SANITIZE_TESTS (a ctest -R regex) narrow it. With SANITIZE_AREAS only
# those areas' test binaries are built.
SANITIZE_AREAS ?=
SANITIZE_TESTS ?=
empty :=
space := $(empty) $(empty)
AREA_LABELS := ^($(subst $(space),|,$(strip $(SANITIZE_AREAS))))$$
# check-tsan runs every test that starts threads (the list lives in tests/threads/tests.cmake).

.PHONY: all deps configure build demo test bench install clean check-sanitize check-tsan fuzz fuzz-build

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(COMPILER_FLAGS) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The demo needs only the CLI, the two plugins it loads and the gloo comm plugin (its 2-rank DDP part,
# built where libgloo-dev is installed); `make test` builds everything.
demo: configure
	@cmake --build $(BUILD) -j $(JOBS) --target ember_cli ember_cpu ember_sim $(shell grep -qs "ember_gloo:" $(BUILD)/build.ninja && echo ember_gloo)
	@$(BUILD)/bin/ember demo

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# ASan + UBSan (-fno-sanitize-recover=undefined) + LeakSanitizer over the test suite.
check-sanitize: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(SAN_COMPILERS) \
	  -DEMBER_SANITIZE=address,undefined -DEMBER_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) $(if $(SANITIZE_AREAS),--target $(patsubst %,ember_%_tests,$(SANITIZE_AREAS)))
	@cd $(ASAN_BUILD) && env $(ASAN_ENV) ctest --output-on-failure -j $(JOBS) \
	  $(if $(SANITIZE_AREAS),-L '$(AREA_LABELS)') $(if $(SANITIZE_TESTS),-R '$(SANITIZE_TESTS)')

# ThreadSanitizer over the tests that start threads (OpenMP is off in this build: see
# docs/RELIABILITY.md).
check-tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(SAN_COMPILERS) \
	  -DEMBER_SANITIZE=thread -DEMBER_BUILD_BENCH=OFF -DEMBER_BUILD_EXAMPLES=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS) --target ember_thread_tests
	@cd $(TSAN_BUILD) && env $(TSAN_ENV) ctest --output-on-failure -j $(JOBS) -L threads

# libFuzzer targets (tests/fuzz/), each run for FUZZ_SECONDS on its seed corpus; FUZZ_TARGETS
# picks some (default: all). Crashes are written to $(FUZZ_BUILD)/fuzz-artifacts/.
fuzz-build: deps
	@cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(SAN_COMPILERS) \
	  -DEMBER_SANITIZE=address,undefined -DEMBER_BUILD_FUZZERS=ON -DEMBER_BUILD_TESTS=OFF \
	  -DEMBER_BUILD_BENCH=OFF -DEMBER_BUILD_EXAMPLES=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target ember_fuzzers

fuzz: fuzz-build
	@env $(ASAN_ENV) bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Benchmarks beside libtorch; see docs/PERFORMANCE.md for how numbers are taken.
bench: build
	@env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BUILD)/bin/ember_bench --benchmark_repetitions=10 --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true $(BENCH_ARGS)

install: build
	@cmake --install $(BUILD) --prefix $(or $(PREFIX),/usr/local)

clean:
	@rm -rf $(BUILD)
