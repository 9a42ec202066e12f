package main

import (
	"io"

	"github.com/gridtwin/gridtwin/conformance"
)

func conform(args []string, stdout, stderr io.Writer) int {
	return conformance.Main(args, stdout, stderr)
}
