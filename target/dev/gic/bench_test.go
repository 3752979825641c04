package gic

import "testing"

// What the hot paths cost: an unchanged line (the machine re-driving the
// timer PPI every quantum), a PMR write (Linux's local_irq_* with
// pseudo-NMIs), an IRQ query, and a whole acknowledge/EOI/DIR round.
func BenchmarkHotPaths(b *testing.B) {
	r := newV3(b, 4)
	r.linuxInit(b)
	r.r.setBit(0, sgiBase(0)+offISENABLER, 27)
	b.Run("SetLevel unchanged", func(b *testing.B) {
		for b.Loop() {
			r.g.SetLevel(27, 0, false)
		}
	})
	b.Run("PMR write", func(b *testing.B) {
		for b.Loop() {
			r.g.WriteSysReg(0, ICCPMR, prioIRQ)
			r.g.WriteSysReg(0, ICCPMR, prioUnmasked)
		}
	})
	b.Run("IRQ query", func(b *testing.B) {
		for b.Loop() {
			_ = r.g.IRQ(0)
		}
	})
	b.Run("line, IAR, EOIR, DIR", func(b *testing.B) {
		for b.Loop() {
			r.g.SetLevel(27, 0, true)
			id, _ := r.g.ReadSysReg(0, ICCIAR1)
			r.g.SetLevel(27, 0, false)
			r.g.WriteSysReg(0, ICCEOIR1, id)
			r.g.WriteSysReg(0, ICCDIR, id)
		}
	})
}
