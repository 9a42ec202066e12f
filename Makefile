GO      ?= go
ADDR    ?= 127.0.0.1:8080
TARGET  ?= http://$(ADDR)
CONFIG  ?= fixtures/conformance.yaml
BIN     := bin/gridtwin

.PHONY: run build test test-race vet fmt-check conform bench fuzz clean

## run: serve the mock on its embedded specs and fixtures
run:
	$(GO) run ./cmd/gridtwin serve --addr $(ADDR)

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/gridtwin

# The race detector runs on the packages whose own state is shared between
# goroutines (the state store, the journal, the body reader) and that do not
# pull in libopenapi. Everything else, vendor handlers included, keeps its
# state in those. A -race build compiles the whole dependency graph a second
# time, and libopenapi's half of it is most of a cold make test: with -race
# on every package it took 11 minutes on an empty build cache. make
# test-race runs every package with it.
RACE_PKGS := ./mock/store/... ./mock/journal/ ./mock/internal/fixture/ ./mock/internal/jsonparse/
PLAIN_PKGS = $(shell $(GO) list ./... | grep -v -e '/mock/store' -e '/mock/journal$$' -e '/mock/internal/fixture$$' -e '/mock/internal/jsonparse$$')

## test: formatting, then every test with every vet check (-vet=all vets each
## package, tests included, from the same compile its test uses: a separate
## go vet compiled the dependency graph once more on a cold cache)
test: fmt-check
	$(GO) test -vet=all -race -count=1 $(RACE_PKGS)
	$(GO) test -vet=all -count=1 $(PLAIN_PKGS)

## test-race: every test with the race detector (slower; a cold cache pays the graph twice)
test-race: vet fmt-check
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## conform: run the conformance suite against TARGET described by CONFIG
conform:
	$(GO) run ./cmd/gridtwin conform --config $(CONFIG) --target $(TARGET) $(ARGS)

## bench: load-test gridtwin beside a bare net/http handler; ARGS="--duration 20s",
## PEERS=prism also against Prism 5 (installed with npm into .cache/prism)
PEERS ?=
bench:
	$(GO) run ./cmd/gridtwin-bench $(if $(PEERS),--peers $(PEERS)) $(ARGS)

## fuzz: grow the otark fuzz corpus (its seed corpus already runs in make test)
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz=FuzzPatchCustomer -fuzztime=$(FUZZTIME) ./mock/otark/

clean:
	rm -rf bin
