GO      ?= go
ADDR    ?= 127.0.0.1:8080
TARGET  ?= http://$(ADDR)
CONFIG  ?= fixtures/conformance.yaml
BIN     := bin/gridtwin

.PHONY: run build test vet fmt-check conform bench fuzz clean

## run: serve the mock on its embedded specs and fixtures
run:
	$(GO) run ./cmd/gridtwin serve --addr $(ADDR)

build:
	$(GO) build -o $(BIN) ./cmd/gridtwin

# The race detector runs where goroutines share state in the test's own
# process: the mock's packages and the bench driver. The conformance suite's
# tests run the suite in subprocesses against a mock whose concurrency the
# mock's own race tests cover; building them and their whole dependency
# graph a second time with -race doubled make test's cold time.
# Every other package (so a new one is never left out) runs without it.
RACE_PKGS := ./mock/... ./cmd/gridtwin-bench/
PLAIN_PKGS = $(shell $(GO) list ./... | grep -v -e '/gridtwin/mock' -e '/cmd/gridtwin-bench$$')

## test: vet, formatting, and every test (the race detector on the mock's packages)
test: vet fmt-check
	$(GO) test -race -count=1 $(RACE_PKGS)
	$(GO) test -count=1 $(PLAIN_PKGS)

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
