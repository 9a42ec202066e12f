package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is a process under test listening on loopback.
type server struct {
	name    string
	cmd     *exec.Cmd
	baseURL string
	// firstAnswer is the time from starting the process to its first HTTP
	// answer of any status.
	firstAnswer time.Duration
	stderr      lockedBuffer
	// exited receives the result of Wait once the process is gone.
	exited chan error
}

// freeLoopbackAddr asks the kernel for an unused port. The port is chosen
// before the process starts so the first-answer poll can begin at exec time
// instead of after the server has printed its address.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs bin with args (which must make it listen on addr) and
// waits until it answers its first request.
func startServer(name, bin string, args []string, addr string, env ...string) (*server, error) {
	s := &server{name: name, baseURL: "http://" + addr}
	s.cmd = exec.Command(bin, args...)
	if len(env) > 0 {
		s.cmd.Env = append(os.Environ(), env...)
	}
	s.cmd.Stderr = &s.stderr
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	started := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s.exited = make(chan error, 1)
	go func() {
		// Drain stdout so the child never blocks on a full pipe; the first
		// line must announce the address we chose.
		sc := bufio.NewScanner(stdout)
		if sc.Scan() && !strings.Contains(sc.Text(), addr) {
			fmt.Fprintf(os.Stderr, "gridtwin-bench: %s announced %q, expected %s\n", name, sc.Text(), addr)
		}
		_, _ = io.Copy(io.Discard, stdout)
		s.exited <- s.cmd.Wait()
	}()

	// A tight poll: each refused connection returns at once, so the first
	// answer is seen within microseconds of the server accepting.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	deadline := started.Add(60 * time.Second)
	for {
		resp, err := client.Get(s.baseURL + "/__bench/first-answer")
		if err == nil {
			s.firstAnswer = time.Since(started)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			break
		}
		select {
		case werr := <-s.exited:
			return nil, fmt.Errorf("%s exited before answering: %v\n%s", name, werr, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s did not answer within 60 s: %v", name, err)
		}
	}
	return s, nil
}

// lockedBuffer collects a process's stderr, which the bench reads while
// the process runs (the GC trace of the burst scenario).
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// residentBytes reads VmRSS, the memory the kernel holds for the process.
func (s *server) residentBytes() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) != 2 || f[1] != "kB" {
				return 0, fmt.Errorf("unexpected VmRSS line %q", line)
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// stop asks for a graceful shutdown and kills the process if it lingers.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}
