package target

import (
	"runtime"
	"sync"
)

// The parallel mode (Config.Parallel, docs/parallel.md): each round starts
// with a phase in which every CPU that is to run goes on a goroutine of its
// own, as far as its turn touches nothing but its own registers and RAM:
// the accelerator (inner) over pages already decoded, with no point armed
// on them and no interrupt pending. Whatever else its turn holds (decoding
// a page, the general path: devices, system registers, exclusives, code
// writes, exceptions, debug checks) it runs afterwards in the round's
// ordinary serial pass, in CPU order, from where the parallel phase left it.
// Each CPU's instruction stream is the one the serial machine gives it;
// only the order in which CPUs' plain loads and stores reach RAM is up to
// the host, so the mode is not deterministic.

// parallelQuantum is the parallel mode's default round: long enough that
// starting and joining the goroutines costs little.
const parallelQuantum = 1 << 17

// parallelPhase runs the parallel phase of a round for the CPUs the round
// would run with ActionContinue, when there are at least two; m.local
// records how far each got (runFrom continues from there).
func (m *Machine) parallelPhase(acts []Action, wasOn []bool, def Action) {
	var ready [maxCPUs]*CPU
	n := 0
	for i, c := range m.cpus {
		a := acts[i]
		if !wasOn[i] {
			a = def
		}
		if a == ActionStep {
			return // a step is exact: the whole round runs serially
		}
		if c.on && a == ActionContinue && !c.asleep {
			ready[n] = c
			n++
		}
	}
	if n < 2 {
		return
	}
	budget := m.cfg.Quantum
	// One goroutine per host thread Go may use, each with every workers-th
	// CPU (equal shares: no round waits for a thread that got one more),
	// this one waiting (running a share here would keep the last goroutine
	// spawned for this thread too, and two shares would take turns on it).
	workers := min(n, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				ready[i].runLocal(budget)
			}
		})
	}
	wg.Wait()
	for _, c := range ready[:n] {
		m.local[c.index] = c.n
		m.stats.ParallelExecuted += uint64(c.n)
	}
}

// settleLocal counts what the parallel phase ran for CPUs the serial pass
// did not reach (the round ended early: a power-off, a reset).
func (m *Machine) settleLocal() {
	for i, n := range m.local[:len(m.cpus)] {
		if n > 0 {
			m.cpus[i].executed += uint64(n)
			m.local[i] = 0
		}
	}
}

// runLocal is the parallel phase of one CPU's turn: run's loop without
// anything that reaches beyond the CPU. It returns, with c.n instructions
// run, where run would do more than translate the PC through the fetch
// micro-TLB and hand a held decoded page to inner.
func (c *CPU) runLocal(budget int) {
	m := c.m
	c.n = 0
	for c.n < budget-1 && c.Pending == 0 && !c.IL {
		pa := c.PC
		if c.mm.on {
			if c.EL != c.mm.el {
				return
			}
			c.PC = c.mm.mmu.Context().BranchAddr(c.PC)
			var ok bool
			if pa, ok = c.fetchMicro(c.PC); !ok {
				return
			}
		}
		pc := c.PC
		if pc&3 != 0 || pa-RAMBase >= m.ramSize {
			return
		}
		pi := (pa - RAMBase) >> pageShift
		base := pc &^ (pageSize - 1)
		page := m.code.Held(pi)
		if page == nil || page.BP || m.codeVA[pi] != base || c.dbg.NeedsInstructionCheck() {
			return
		}
		c.mm.codeOff = pa&^(pageSize-1) - RAMBase
		c.sliceN = uint64(c.n)
		if c.inner(page, base, budget) {
			return
		}
	}
}
