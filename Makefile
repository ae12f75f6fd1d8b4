# kanalytic — build, test, sanitize, fuzz, install.
#   make                 build/kanalytic
#   make check           set-up (packages, dockerd, base image) + every test; what CI runs
#   make demo            set-up + build and test the sklearn-cluster analytic end to end
#   make test            unit, command-line and Docker integration tests
#   make check-sanitize  the unit and command-line tests under ASan+UBSan
#   make fuzz            libFuzzer targets (clang); make fuzz-run FUZZ_SECONDS=N runs each N s;
#                        make fuzz-long FUZZ_RUNS=N runs each to N executions (execs/s)
#   make install PREFIX=/usr/local
CC ?= cc
CLANG ?= clang
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)
PKGS := libgit2 yaml-0.1 libcurl jansson libarchive zlib libzstd snappy liblz4

# Deferred (=) so `make check` can install the -dev packages before anything asks pkg-config.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lm -lpthread
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Itool $(PKG_CFLAGS) \
	-DKANALYTIC_VERSION='"$(VERSION)"' -DKANALYTIC_DATADIR='"$(PREFIX)/share/kanalytic"'
OPT ?= -O2 -g
CFLAGS_ALL = $(BASE_CFLAGS) $(OPT) $(CFLAGS)

LIB_SRC := $(sort $(shell find tool -name '*.c' ! -path tool/main.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

OBJ_DIR := $(BUILD)/obj
LIB_OBJ := $(LIB_SRC:%.c=$(OBJ_DIR)/%.o)
LIB := $(BUILD)/libkanalytic.a
BIN := $(BUILD)/kanalytic
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: check-layers check-library all test unit cli integration check check-sanitize fuzz fuzz-run fuzz-long demo setup install \
	clean format bench bench-quick
all: $(BIN)

$(OBJ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BIN): $(OBJ_DIR)/tool/main.o $(LIB)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $(OBJ_DIR)/tool/main.o -Wl,--whole-archive $(LIB) \
	-Wl,--no-whole-archive $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -MMD -MP -Itests/unit $(LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) -lcmocka

# The Parquet library C analytics vendor (tool/parquet/library.mk) links on its own: every
# object of its list plus an empty main, against the codecs only. A file in the list that
# calls outside the boundary is an undefined reference here.
include tool/parquet/library.mk
PQLIB_OBJ := $(PQLIB_SRC:%.c=$(OBJ_DIR)/tool/%.o)
check-library: $(PQLIB_OBJ)
	@mkdir -p $(BUILD)/library
	@echo 'int main(void) { return 0; }' >$(BUILD)/library/main.c
	@$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $(BUILD)/library/check $(BUILD)/library/main.c $(PQLIB_OBJ) \
		$(PQLIB_LIBS) || { echo "tool/parquet/library.mk: the library reaches outside its boundary" >&2; exit 1; }
	@echo "== the Parquet library links on its own ($(words $(PQLIB_SRC)) sources)"

# The include graph runs one way and nothing below tool/cmd/ prints or exits
# (scripts/check-layers.sh holds the layers; docs/conventions.md).
check-layers:
	@scripts/check-layers.sh

# Unit tests run from the repository root so they find tests/fixtures and ../shared.
unit: $(UNIT_BIN) check-library check-layers
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

cli: $(BIN)
	@KANALYTIC=$(abspath $(BIN)) tests/cli/run-all.sh

integration: $(BIN)
	@KANALYTIC=$(abspath $(BIN)) tests/integration/run-all.sh

test: unit cli integration

# ASan + UBSan build of the library, binary and unit tests in their own tree.
check-sanitize:
	$(MAKE) BUILD=$(BUILD)/asan OPT='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' unit cli

# The library is compiled once for all fuzz targets (fuzzer-no-link), then each target links it.
# -fno-sanitize-recover: undefined behaviour stops the target (a finding), as in check-sanitize;
# recovered, UBSan only printed it and the run went on (memset(NULL, 1, 0) in the reader went by
# that way in a 10-million run)
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Itool $(PKG_CFLAGS) -fno-sanitize-recover=all
FUZZ_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
.SECONDARY: $(FUZZ_OBJ)
fuzz: $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@
$(BUILD)/fuzz/%: fuzz/%.c $(FUZZ_OBJ)
	@echo "  FUZZ    $@"
	@$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

FUZZ_SECONDS ?= 20
# make fuzz-long FUZZ_RUNS=N: each target to N executions (-runs=N) from its seeds, one after the
# other, printing its executions, execs/s and seconds (libFuzzer's final stats; the log is
# build/fuzz/long-TARGET.log). 10 million per parser is the goal (docs/testing.md, "Fuzzing").
# FUZZ_TARGETS="fuzz_with fuzz_ignore" picks some (two makes in parallel use both cores).
FUZZ_RUNS ?= 10000000
FUZZ_TARGETS ?= $(FUZZ_SRC:fuzz/%.c=%)
# Targets whose grown corpus has so many features that libFuzzer's entropic schedule costs more
# than the target: fuzz_convert (28k features) spent 71% of its time in
# InputCorpus::UpdateFeatureFrequency, 174 exec/s, against 830-1,900 with -entropic=0.
FUZZ_NO_ENTROPIC := fuzz_convert
FUZZ_FLAGS = $$(case " $(FUZZ_NO_ENTROPIC) " in *" $$f "*) echo -entropic=0;; esac)
fuzz-long: fuzz
	@set -e; for f in $(FUZZ_TARGETS); do \
		corpus=$(BUILD)/fuzz/corpus-$$f; mkdir -p $$corpus; \
		seeds=$$(ls -d fuzz/seeds/$$f 2>/dev/null || true); \
		log=$(BUILD)/fuzz/long-$$f.log; start=$$(date +%s); \
		if ! $(BUILD)/fuzz/$$f $(FUZZ_FLAGS) -runs=$(FUZZ_RUNS) -rss_limit_mb=2048 -timeout=10 \
			-print_final_stats=1 $$corpus $$seeds >$$log 2>&1; then \
			tail -n 30 $$log; echo "== fuzz $$f: FINDING (see $$log)"; exit 1; fi; \
		echo "== fuzz $$f: $$(sed -n 's/^stat::number_of_executed_units: *//p' $$log) executions," \
			"$$(sed -n 's/^stat::average_exec_per_sec: *//p' $$log) exec/s," \
			"$$(( $$(date +%s) - start )) s"; \
	done
fuzz-run: fuzz
	@set -e; for f in $(FUZZ_SRC:fuzz/%.c=%); do \
		corpus=$(BUILD)/fuzz/corpus-$$f; mkdir -p $$corpus; \
		seeds=$$(ls -d fuzz/seeds/$$f 2>/dev/null || true); \
		echo "== fuzz $$f for $(FUZZ_SECONDS)s $(FUZZ_FLAGS)"; \
		$(BUILD)/fuzz/$$f $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 \
			-print_final_stats=1 $$corpus $$seeds 2>&1 | tail -n 3; \
		test $${PIPESTATUS[0]} -eq 0; \
	done

setup:
	@scripts/setup.sh

check: setup
	$(MAKE) all
	$(MAKE) test
	$(MAKE) check-sanitize
	$(MAKE) fuzz-run
	$(MAKE) bench-quick

demo: setup
	$(MAKE) all
	$(BIN) validate sklearn-cluster
	$(BIN) build sklearn-cluster
	$(BIN) test sklearn-cluster

bench: $(BIN)
	@bench/run-all.sh

# Every benchmark end to end at small sizes (goals printed, not asserted): a bench that breaks
# fails `make check` instead of rotting until the next `make bench`.
bench-quick: $(BIN)
	@bench/run-all.sh --quick

# The man page is generated from the binary's own help texts (scripts/gen-man.sh).
$(BUILD)/kanalytic.1: $(BIN) scripts/gen-man.sh
	@echo "  MAN     $@"
	@scripts/gen-man.sh $(BIN) >$@.tmp && mv $@.tmp $@

install: $(BIN) $(BUILD)/kanalytic.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kanalytic/schemas \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/kanalytic
	install -m 644 schemas/* $(DESTDIR)$(PREFIX)/share/kanalytic/schemas/
	cp -R template $(DESTDIR)$(PREFIX)/share/kanalytic/
	install -m 644 $(BUILD)/kanalytic.1 $(DESTDIR)$(PREFIX)/share/man/man1/kanalytic.1
	install -m 644 scripts/kanalytic.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kanalytic

format:
	clang-format -i $(LIB_SRC) tool/main.c $(shell find tool -name '*.h') $(UNIT_SRC)

clean:
	rm -rf $(BUILD)

SHELL := /bin/bash
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
