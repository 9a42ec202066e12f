package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version describes the binary from the build info Go embeds: the module
// version (a tag when installed with go install ...@v1.2.3, "(devel)" from
// a checkout), the commit and whether the tree had changes.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	var rev, at, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value[:min(12, len(s.Value))]
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		v += " " + rev + dirty
	}
	if at != "" {
		v += " " + at
	}
	return v + " " + info.GoVersion
}

func printVersion(stdout io.Writer) int {
	fmt.Fprintf(stdout, "gridtwin %s\n", version())
	return 0
}
