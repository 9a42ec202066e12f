package main

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"
)

// startRedis runs a redis-server of the bench's own on a free loopback
// port, with nothing persisted, so that the Redis store scenario measures
// a store nothing else shares. It returns "" and the reason when no
// redis-server is installed, so that the scenario can be skipped.
func startRedis(bin string) (*server, string, error) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Sprintf("%s not found: %v", bin, err), nil
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, "", err
	}
	host, port, _ := net.SplitHostPort(addr)
	args := []string{"--bind", host, "--port", port, "--save", "", "--appendonly", "no", "--protected-mode", "yes"}
	s, err := startProcess("redis-server", path, args, "", func() error { return redisPing(addr) })
	if err != nil {
		return nil, "", err
	}
	s.addr = addr
	return s, "", nil
}

// redisPing sends PING in the protocol's inline form and wants PONG.
func redisPing(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("redis PING answered %q", line)
	}
	return nil
}
