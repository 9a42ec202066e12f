package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
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
	// addr is where a server without an HTTP API (redis-server) listens.
	addr string
	// firstAnswer is the time from starting the process to its first HTTP
	// answer of any status.
	firstAnswer time.Duration
	stderr      stderrLog
	// exited receives the result of Wait once the process is gone.
	exited   chan error
	stopOnce sync.Once
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

// startServer runs bin with args (which must make it listen on addr and
// announce that address on its first line) and waits until it answers its
// first HTTP request.
func startServer(name, bin string, args []string, addr string, env ...string) (*server, error) {
	return startHTTP(name, bin, args, addr, addr, env...)
}

// startHTTP is startServer for a server that announces announce instead
// ("" for no check).
func startHTTP(name, bin string, args []string, addr, announce string, env ...string) (*server, error) {
	baseURL := "http://" + addr
	// A tight poll: each refused connection returns at once, so the first
	// answer is seen within microseconds of the server accepting.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	answers := func() error {
		resp, err := client.Get(baseURL + "/__bench/first-answer")
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}
	s, err := startProcess(name, bin, args, announce, answers, env...)
	if s != nil {
		s.baseURL = baseURL
	}
	return s, err
}

// startProcess runs bin with args and polls ready until it succeeds, the
// process exits or a minute has passed. If announce is not empty, the
// first line of stdout must contain it (the address the bench chose).
func startProcess(name, bin string, args []string, announce string, ready func() error, env ...string) (*server, error) {
	s := &server{name: name}
	s.cmd = exec.Command(bin, args...)
	if len(env) > 0 {
		s.cmd.Env = append(os.Environ(), env...)
	}
	// If the bench dies without stopping its servers (a kill -9), the
	// kernel stops them, so no redis-server or Prism outlives it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	s.cmd.Stderr = &s.stderr
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	started := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	running.add(s)
	s.exited = make(chan error, 1)
	go func() {
		// Drain stdout so the child never blocks on a full pipe.
		sc := bufio.NewScanner(stdout)
		if sc.Scan() && announce != "" && !strings.Contains(sc.Text(), announce) {
			fmt.Fprintf(os.Stderr, "gridtwin-bench: %s announced %q, expected %s\n", name, sc.Text(), announce)
		}
		_, _ = io.Copy(io.Discard, stdout)
		s.exited <- s.cmd.Wait()
	}()
	deadline := started.Add(60 * time.Second)
	for {
		err := ready()
		if err == nil {
			s.firstAnswer = time.Since(started)
			return s, nil
		}
		select {
		case werr := <-s.exited:
			running.remove(s)
			return nil, fmt.Errorf("%s exited before answering: %v\n%s", name, werr, s.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s did not answer within 60 s: %v", name, err)
		}
	}
}

// stderrLog takes a process's stderr as it runs: it counts the GC trace
// lines of the burst scenario and keeps the last stderrTail bytes for an
// error message. Under load gridtwin logs a line per request, megabytes a
// second, which the bench must not hold in its own memory (nor scan again
// for every burst) while it drives the load.
type stderrLog struct {
	mu      sync.Mutex
	partial []byte // a line not yet ended
	tail    []byte
	gcCycle int // the last "gc N @" line's N
}

const stderrTail = 64 << 10

func (l *stderrLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rest := p
	for {
		line, after, ended := bytes.Cut(rest, []byte("\n"))
		if !ended {
			if len(l.partial) < stderrTail { // a line that long is no GC trace
				l.partial = append(l.partial, line[:min(len(line), stderrTail-len(l.partial))]...)
			}
			break
		}
		if len(l.partial) > 0 {
			line = append(l.partial, line...)
		}
		if n, ok := gcCycleOf(line); ok {
			l.gcCycle = n
		}
		l.partial = l.partial[:0]
		rest = after
	}
	l.tail = append(l.tail, p...)
	if len(l.tail) > 2*stderrTail {
		l.tail = append(l.tail[:0], l.tail[len(l.tail)-stderrTail:]...)
	}
	return len(p), nil
}

// GCCycles is the number of the last GODEBUG=gctrace=1 line seen.
func (l *stderrLog) GCCycles() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gcCycle
}

// String is the end of what the process wrote.
func (l *stderrLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.tail[max(0, len(l.tail)-stderrTail):])
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

// cpuTime is the CPU time, user and system, that the process's threads
// have used so far.
func (s *server) cpuTime() (time.Duration, error) { return processCPU(s.cmd.Process.Pid) }

// clockTick is the unit of /proc/<pid>/stat's times: USER_HZ, 100 on Linux.
const clockTick = 10 * time.Millisecond

// processCPU reads utime and stime from /proc/<pid>/stat.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return statCPU(string(b))
}

// statCPU is utime plus stime of a /proc/<pid>/stat line. The command name
// (the second field) is in parentheses and may hold spaces and
// parentheses, so the fields are counted from its last closing
// parenthesis: utime and stime are the line's 14th and 15th fields, the
// 12th and 13th after it.
func statCPU(line string) (time.Duration, error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, fmt.Errorf("no command name in stat line %q", line)
	}
	f := strings.Fields(line[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat line %q", line)
	}
	var ticks int64
	for _, field := range f[11:13] {
		n, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat line: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// stop asks for a graceful shutdown and kills the process if it lingers.
// It may be called more than once.
func (s *server) stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		running.remove(s)
	})
}

// processes are the servers the bench has started and not yet stopped.
type processes struct {
	mu  sync.Mutex
	set map[*server]bool
}

// running lets a signal handler stop every server the bench started, as
// deferred stops do not run when the bench is interrupted.
var running = &processes{set: map[*server]bool{}}

func (p *processes) add(s *server) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set[s] = true
}

func (p *processes) remove(s *server) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.set, s)
}

func (p *processes) stopAll() {
	p.mu.Lock()
	all := make([]*server, 0, len(p.set))
	for s := range p.set {
		all = append(all, s)
	}
	p.mu.Unlock()
	for _, s := range all {
		s.stop()
	}
}

// stopOnSignal stops every started server when the bench is interrupted,
// then exits as an interrupted process does.
func stopOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		running.stopAll()
		os.Exit(130)
	}()
}
