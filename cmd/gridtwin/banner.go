package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/gridtwin/gridtwin/mock/server"
)

// printBanner says where the mock listens, how to reach its admin API and
// every credential and id of the fixtures, so that a first request needs
// no file opened. Its first line is "gridtwin listening on URL".
func printBanner(w io.Writer, base string, h *server.Handler, opts server.Options) {
	fmt.Fprintf(w, "gridtwin listening on %s\n", base)
	fmt.Fprintf(w, "version %s\n", opts.Version)
	fmt.Fprintf(w, "dashboard: %s/__admin/\n", base)
	fmt.Fprintf(w, "admin: POST %s/__admin/reset, GET %s/__admin/state, GET|DELETE %s/__admin/requests, GET %s/__admin/health\n",
		base, base, base, base)
	if opts.AdminToken != "" {
		fmt.Fprintf(w, "admin token (required on the admin API): Authorization: Bearer %s\n", opts.AdminToken)
		fmt.Fprintf(w, "  dashboard with the token: %s/__admin/#token=%s\n", base, opts.AdminToken)
	}
	if c := opts.Chaos; c.LatencyMax > 0 || c.FaultRate > 0 {
		fmt.Fprintf(w, "chaos: latency %s-%s, fault rate %v of %s, --seed %d\n",
			c.LatencyMin, c.LatencyMax, c.FaultRate, strings.Join(c.Faults, ","), c.Seed)
	}
	fmt.Fprintf(w, "per request: Prefer: delay=300ms | fault=reset|empty|500|503 | code=404 | example=NAME (as the OpenAPI documents allow); sessions: X-Gridtwin-Session: NAME\n")
	for _, api := range h.APIs() {
		fmt.Fprintf(w, "\n[%s]\n", api.Name())
		lines := api.Credentials()
		for _, line := range lines[:min(len(lines), bannerLinesPerAPI)] {
			fmt.Fprintf(w, "  %s\n", line)
		}
		if more := len(lines) - bannerLinesPerAPI; more > 0 {
			fmt.Fprintf(w, "  ... and %d more; GET %s/__admin/state lists them all\n", more, base)
		}
	}
	fmt.Fprintf(w, "\n%s\n", bannerEnd)
}

// bannerLinesPerAPI keeps the banner a screen long: a fixture of 100,000
// customers printed 11 MB before the first answer.
const bannerLinesPerAPI = 40

// bannerEnd is the banner's last line; what follows is the request log.
const bannerEnd = "ready; Ctrl-C stops the mock"
