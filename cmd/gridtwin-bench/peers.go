package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/gridtwin/gridtwin/specs"
)

// peerKeys name the other mock servers --peers can measure gridtwin against.
var peerKeys = []string{"prism"}

// prismPackage is the Prism release the bench installs: the version the
// comparison is documented for.
const prismPackage = "@stoplight/prism-cli@5"

// prismBin returns Prism's executable in cacheDir, installing it there with
// npm first if it is not there yet.
func prismBin(cacheDir string, log io.Writer) (string, error) {
	bin := filepath.Join(cacheDir, "node_modules", ".bin", "prism")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("npm not found, needed to install %s: %w", prismPackage, err)
	}
	fmt.Fprintf(log, "installing %s into %s ...\n", prismPackage, cacheDir)
	install := exec.Command(npm, "install", "--prefix", cacheDir, "--no-audit", "--no-fund", prismPackage)
	install.Stdout, install.Stderr = os.Stderr, os.Stderr
	if err := install.Run(); err != nil {
		return "", fmt.Errorf("npm install %s: %w", prismPackage, err)
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("npm installed %s but left no %s", prismPackage, bin)
	}
	return bin, nil
}

// startPrism serves the seed's otark document, the same bytes gridtwin
// embeds, with Prism's defaults (static examples, request validation, one
// log line per step on stdout, as gridtwin serve logs each request).
func (b *bench) startPrism(tmp string) (*server, string, error) {
	bin, err := prismBin(b.prismCache, b.stdout)
	if err != nil {
		return nil, err.Error(), nil
	}
	doc, err := specs.Bytes(specs.Otark)
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(tmp, "otark.yaml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		return nil, "", err
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, "", err
	}
	host, port, _ := net.SplitHostPort(addr)
	s, err := startHTTP("prism", bin, []string{"mock", path, "-h", host, "-p", port}, addr, "")
	return s, "", err
}
