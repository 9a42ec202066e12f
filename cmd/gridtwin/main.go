// Command gridtwin serves the mock of the otark, podero and esmart APIs
// (gridtwin serve) and runs the conformance suite against a live server
// (gridtwin conform).
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `gridtwin: a stateful twin of three energy-sector APIs, and their conformance suite.

Usage:
  gridtwin serve   [--addr 127.0.0.1:8080] [--fixtures DIR [--watch]] [--otark-rate-limit N]
                   [--store memory|redis://HOST:PORT/DB] [--session-ttl 30m] [--max-sessions N]
                   [--latency 200ms|50ms-400ms] [--fault-rate 0.05 [--faults reset,empty,500,503] [--seed N]]
                   [--log-format text|json] [--quiet] [--admin-token TOKEN]
  gridtwin conform --config FILE [--target URL] [--api otark,podero,esmart] [--request-timeout 10s]
                   [--allow-destructive] [--junit FILE] [--report FILE] [--ginkgo.* flags]
  gridtwin version

Every serve flag can also be set in the environment: GRIDTWIN_ADDR, GRIDTWIN_LATENCY, ...

Run "gridtwin <command> --help" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "conform":
		return conform(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		return printVersion(stdout)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "gridtwin: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
