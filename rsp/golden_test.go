package rsp_test

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

var update = flag.Bool("update", false, "rewrite the expected replies of testdata/*.transcript")

// goldenTarget is the FakeTarget the transcripts were recorded against:
// two CPUs, a counter at 0x40001000 that a scripted watch stop changes.
func goldenTarget() *rsptest.FakeTarget {
	f := rsptest.NewFakeTarget(2)
	f.Regions[0].Data[0] = 0x01
	f.Regions[0].Data[1] = 0x02
	f.Regions[0].Data[3] = 0x58
	f.Script = []rsptest.ScriptedStop{
		{Stop: rsp.StopReason{Kind: rsp.StopWatch, Thread: 1, Addr: 0x40001000, Watch: rsp.WatchWrite},
			Before: func(f *rsptest.FakeTarget) {
				f.OnStep = func(f *rsptest.FakeTarget, tid int) { f.Poke64(0x40001000, f.Peek64(0x40001000)+1) }
			}},
		{Stop: rsp.StopReason{Kind: rsp.StopHwBreak, Thread: 2}},
	}
	return f
}

// transcriptLine is one "-> packet" or "<- reply" line.
type transcriptLine struct {
	send    bool
	payload string
}

func parseTranscript(t *testing.T, path string) (lines []transcriptLine, raw []string) {
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		text := sc.Text()
		raw = append(raw, text)
		if len(text) < 2 || (text[:2] != "->" && text[:2] != "<-") {
			continue
		}
		p := strings.TrimPrefix(text[2:], " ")
		if strings.HasPrefix(p, `"`) {
			p, err = strconv.Unquote(p)
			require.NoError(t, err, text)
		}
		lines = append(lines, transcriptLine{send: text[:2] == "->", payload: p})
	}
	require.NoError(t, sc.Err())
	return lines, raw
}

func formatPayload(p string) string {
	printable := utf8.ValidString(p)
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			printable = false
		}
	}
	if printable && !strings.HasPrefix(p, `"`) {
		return p
	}
	return strconv.Quote(p)
}

// TestGoldenTranscripts replays each testdata/*.transcript: every "->"
// packet is sent, and the "<-" lines after it must be the replies, exactly.
func TestGoldenTranscripts(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.transcript")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			lines, raw := parseTranscript(t, path)
			cl, _ := rsptest.StartSession(t, goldenTarget(), rsp.Options{})
			var got []string // the replies actually received, in order
			for i, l := range lines {
				if !l.send {
					continue
				}
				want := 0
				for j := i + 1; j < len(lines) && !lines[j].send; j++ {
					want++
				}
				cl.Send(l.payload)
				if l.payload == "QStartNoAckMode" {
					r := cl.Recv()
					got = append(got, r)
					if r == "OK" {
						cl.NoAck = true
					}
					want--
				}
				for k := 0; k < want; k++ {
					got = append(got, cl.Recv())
				}
			}
			if *update {
				rewriteTranscript(t, path, raw, got)
				return
			}
			k := 0
			for _, l := range lines {
				if l.send {
					continue
				}
				require.Equal(t, l.payload, got[k], "reply #%d", k)
				k++
			}
		})
	}
}

// rewriteTranscript replaces the "<-" lines with the replies received.
func rewriteTranscript(t *testing.T, path string, raw, got []string) {
	var b strings.Builder
	k := 0
	for _, line := range raw {
		if strings.HasPrefix(line, "<-") {
			b.WriteString("<- " + formatPayload(got[k]) + "\n")
			k++
			continue
		}
		b.WriteString(line + "\n")
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}
