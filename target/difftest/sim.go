package difftest

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// Sim runs images on the simulated machine: one CPU, the image loaded at
// LoadAddr in bare mode, run from Reset to PSCI SYSTEM_OFF.
type Sim struct {
	// Timeout interrupts a run that does not power off (default 20 s; a batch takes milliseconds).
	Timeout time.Duration
}

func (Sim) Name() string { return "sim" }

// Run loads and runs the image and reads every case's record back.
func (s Sim) Run(ctx context.Context, im *Image) ([]Result, error) {
	m, err := target.New(target.Config{CPUs: 1})
	if err != nil {
		return nil, err
	}
	img := im.WithMode(ModeBare)
	if err := m.LoadSegment(LoadAddr, img, uint64(len(img))); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	m.Reset(LoadAddr)
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	timer := time.AfterFunc(timeout, m.Interrupt)
	stopCtx := context.AfterFunc(ctx, m.Interrupt)
	stop := m.Resume([]target.Action{target.ActionContinue})
	timer.Stop()
	stopCtx()
	res, rerr := readResults(m, im)
	if stop.Kind != target.StopPowerOff {
		pc := m.CPU(0).Reg(32)
		var cur [8]byte
		if m.ReadMemory(im.CurrentCaseAddr(), cur[:]) == nil {
			if k := im.CaseOfRecord(binary.LittleEndian.Uint64(cur[:])); k >= 0 && k <= len(res) {
				res = res[:k] // the cases from the running one on have no result
			}
		}
		return res, fmt.Errorf("run ended with stop kind %d (%s) at pc %#x%s, not PSCI SYSTEM_OFF",
			stop.Kind, stop.Text, pc, im.where(im.CaseAt(pc), pc))
	}
	return res, rerr
}

func readResults(m *target.Machine, im *Image) ([]Result, error) {
	res := make([]Result, len(im.Seqs))
	buf := make([]byte, outSize)
	for i := range im.Seqs {
		if err := m.ReadMemory(im.RecordAddr(i)+recOut, buf); err != nil {
			return res[:i], fmt.Errorf("read record %d: %w", i, err)
		}
		res[i] = decodeResult(buf)
	}
	return res, nil
}

// simISAR0 reads ID_AA64ISAR0_EL1 of the default CPU model.
func simISAR0() (uint64, bool) {
	m, err := target.New(target.Config{CPUs: 1})
	if err != nil {
		return 0, false
	}
	return m.CPU(0).SysReg(3, 0, 0, 6, 0)
}
