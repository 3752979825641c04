package target

import (
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
)

// BenchmarkLivelock runs the embedded kernel's perf-livelock scenario (a
// guest breakpoint exception taken again and again at one PC) on 2 CPUs with
// livelock detection off and reports guest exceptions per second.
func BenchmarkLivelock(b *testing.B) {
	img, err := kernelsim.Parse(kernelsim.KernelELF)
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := img.Config()
	if err != nil {
		b.Fatal(err)
	}
	cfg.Scenario = kernelsim.ScenarioPerfLivelock
	cfg.StallTimeoutMS = 0
	elf, err := img.PatchedELF(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if img, err = kernelsim.Parse(elf); err != nil {
		b.Fatal(err)
	}
	m, err := New(Config{CPUs: 2})
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range img.Segments {
		if err := m.LoadSegment(s.Addr, s.Data, s.MemSize); err != nil {
			b.Fatal(err)
		}
	}
	m.Reset(img.Entry)
	acts := []Action{ActionContinue, ActionContinue}
	// Boot until the livelock is under way: exceptions keep coming.
	for r := 0; r < 1<<16 && m.stats.Exceptions < 10000; r += 64 {
		m.runRounds(acts, 64)
	}
	if m.stats.Exceptions < 10000 {
		b.Fatalf("no livelock: %d exceptions", m.stats.Exceptions)
	}
	b.ReportAllocs()
	b.ResetTimer()
	before := m.stats.Exceptions
	for i := 0; i < b.N; i++ {
		m.runRounds(acts, 16)
	}
	b.StopTimer()
	b.ReportMetric(float64(m.stats.Exceptions-before)/b.Elapsed().Seconds(), "exc/s")
}
