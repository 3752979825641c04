package tests

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// serverBin is the hwbp-gdbstub binary built once for the whole test run.
var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hwbp-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	serverBin = filepath.Join(dir, "hwbp-gdbstub")
	build := exec.Command("go", "build", "-o", serverBin, "../cmd/hwbp-gdbstub")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building hwbp-gdbstub:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireTool fails (never skips) when a client or emulator is missing.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	require.NoErrorf(t, err, "%s is not installed: run `make deps`", name)
	return path
}

// lockedBuffer collects a child's output while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
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

// server is a running hwbp-gdbstub process.
type server struct {
	cmd     *exec.Cmd
	Addr    string // host:port it listens on
	Console *lockedBuffer
	Log     *lockedBuffer
	done    chan error
}

var listenRE = regexp.MustCompile(`listening on (\S+)`)

// startServer runs hwbp-gdbstub on an ephemeral loopback port with extra flags and waits for its start-up line.
func startServer(t *testing.T, flags ...string) *server {
	t.Helper()
	args := append(append([]string{}, flags...), "127.0.0.1:0")
	s := &server{cmd: exec.Command(serverBin, args...), Console: &lockedBuffer{}, Log: &lockedBuffer{}, done: make(chan error, 1)}
	s.cmd.Stdout = s.Console
	stderr, err := s.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, s.cmd.Start())
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.Log.Write([]byte(line + "\n"))
			if m := listenRE.FindStringSubmatch(line); m != nil {
				select {
				case addr <- strings.TrimRight(m[1], ",;"):
				default:
				}
			}
		}
	}()
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("server log:\n%s\nconsole:\n%s", s.Log.String(), tail(s.Console.String(), 4000))
		}
	})
	select {
	case s.Addr = <-addr:
	case err := <-s.done:
		t.Fatalf("server exited before listening: %v\n%s", err, s.Log.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not print its listening line\n%s", s.Log.String())
	}
	return s
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// gdb runs gdb-multiarch in batch mode: connect to addr, then the given commands (one per line, gdb CLI syntax).
// It returns gdb's combined output.
func gdb(t *testing.T, addr string, script string, extraArgs ...string) string {
	t.Helper()
	bin := requireTool(t, "gdb-multiarch")
	dir := t.TempDir()
	file := filepath.Join(dir, "script.gdb")
	require.NoError(t, os.WriteFile(file, []byte(script), 0o644))
	args := []string{"-q", "-nx", "-batch",
		"-ex", "set pagination off", "-ex", "set confirm off", "-ex", "set width 0",
		"-ex", "set architecture aarch64"}
	args = append(args, extraArgs...)
	if addr != "" {
		args = append(args, "-ex", "target remote "+addr)
	}
	args = append(args, "-x", file)
	return runTool(t, 120*time.Second, bin, args...)
}

// runTool runs a client with a deadline and returns stdout+stderr; a crash or deadline fails the test.
func runTool(t *testing.T, limit time.Duration, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir() // a client that crashes leaves its core dump there, not in the checkout
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Stdin = nil
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s timed out after %v; output so far:\n%s", filepath.Base(bin), limit, out.String())
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > 128 || ok && ee.ExitCode() < 0 {
		t.Fatalf("%s crashed (%v); output:\n%s", filepath.Base(bin), err, out.String())
	}
	return out.String()
}

// runCapture runs a program to completion with a deadline, returning stdout and stderr separately.
func runCapture(t *testing.T, limit time.Duration, stdin io.Reader, bin string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &stdout, &stderr, stdin
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s timed out after %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(bin), limit, tail(stdout.String(), 3000), tail(stderr.String(), 3000))
	}
	return stdout.String(), stderr.String(), err
}

// countMatches counts non-overlapping occurrences of a regular expression.
func countMatches(s, re string) int {
	return len(regexp.MustCompile(re).FindAllStringIndex(s, -1))
}

// regexpFind returns the first submatch of re in s, failing the test when there is none.
func regexpFind(t *testing.T, s, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	require.NotNil(t, m, "no match for %s in:\n%s", re, s)
	return m[1]
}
