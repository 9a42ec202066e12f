package main

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"strings"
)

// envName is the variable that sets a flag: --fault-rate is
// GRIDTWIN_FAULT_RATE.
func envName(flagName string) string {
	return "GRIDTWIN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// envDefaults sets every flag of fs that has a variable in the
// environment, before the command line is parsed, so a flag still wins.
// An empty variable counts as unset, as a shell's `GRIDTWIN_QUIET=` or a
// compose file's `GRIDTWIN_QUIET:` with nothing after it mean "not set";
// taken literally it is no bool, duration or number and would stop serve.
func envDefaults(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		value, ok := lookup(envName(f.Name))
		if !ok || value == "" || err != nil {
			return
		}
		if setErr := fs.Set(f.Name, value); setErr != nil {
			err = fmt.Errorf("%s=%q: %v", envName(f.Name), value, setErr)
		}
	})
	return err
}

func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomSeed() uint64 {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return max(1, binary.LittleEndian.Uint64(b)>>1)
}
