package gic_test

import (
	"fmt"
	"os"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/bus"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/gic"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/pl011"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/timer"
)

// The wiring docs/interfaces.md describes, in miniature: QEMU virt's map, the
// timer's PPI and the UART's SPI into a GICv2, and a CPU loop that re-checks
// its IRQ line only when the GIC's generation count moved.
func Example_wiring() {
	const cpus = 1
	g, _ := gic.NewGICv2(gic.Config{CPUs: cpus})
	uart := pl011.New(pl011.Config{
		Out: os.Stdout,
		IRQ: func(level bool) { g.SetLevel(33, 0, level) }, // SPI 1 = INTID 33
	})
	var m bus.Map
	_ = m.Add("gicd", 0x0800_0000, gic.GICv2DistSize, g.Distributor())
	_ = m.Add("gicc", 0x0801_0000, gic.GICv2CPUSize, g.CPUInterface())
	_ = m.Add("uart", 0x0900_0000, 0x1000, uart)
	timers := make([]timer.CPU, cpus)

	// What the kernel does at boot (GICD/GICC bring-up, timer armed).
	m.Write(0, 0x0800_0000, 4, 1)          // GICD_CTLR
	m.Write(0, 0x0800_0100, 4, 1<<27)      // ISENABLER0: PPI 27
	m.Write(0, 0x0801_0004, 4, 0xf0)       // GICC_PMR
	m.Write(0, 0x0801_0000, 4, 1)          // GICC_CTLR
	timers[0].Virt.SetCVAL(1000)           // MSR CNTV_CVAL_EL0
	timers[0].Virt.SetCTL(timer.CtlEnable) // MSR CNTV_CTL_EL0
	m.Write(0, 0x0900_0000, 1, 'A')        // the console
	m.Write(0, 0x0900_0000, 1, '\n')

	seen := g.Generation(0)
	for now := uint64(0); now <= 2000; now += 500 { // the machine's clock, one quantum at a time
		// After each quantum (and after any CNTV_* write): the timer's level.
		g.SetLevel(timer.PPIVirt, 0, timers[0].Virt.Asserted(now))
		if gen := g.Generation(0); gen == seen {
			continue
		}
		seen = g.Generation(0)
		if !g.IRQ(0) { // masked by DAIF.I in a real loop too: then wait
			continue
		}
		// Take the IRQ exception; the handler reads IAR, quiets the
		// timer, writes EOIR.
		iar, _ := m.Read(0, 0x0801_000c, 4)
		ctl := timers[0].Virt.CTL(now)
		fmt.Printf("t=%d IAR=%d ISTATUS=%d\n", now, iar, ctl>>2&1)
		timers[0].Virt.SetCTL(ctl | timer.CtlIMask)
		g.SetLevel(timer.PPIVirt, 0, timers[0].Virt.Asserted(now))
		m.Write(0, 0x0801_0010, 4, iar)
		seen = g.Generation(0)
	}
	// Output:
	// A
	// t=1000 IAR=27 ISTATUS=1
}
