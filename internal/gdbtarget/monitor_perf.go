package gdbtarget

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

// perfEvent is a kernel counting event created from `monitor perf`, in the spirit of
// `perf stat -C CPU -e mem:ADDR/LEN:TYPE`: the kernel owns it (counting handler, it steps over its own hits).
type perfEvent struct {
	ev        uint64
	addr, len uint64
	typ       string
	cpu       int
	enabled   bool
}

var perfTypes = map[string]uint64{"r": kernelsim.EventRead, "w": kernelsim.EventWrite, "rw": kernelsim.EventReadWrite, "x": kernelsim.EventExecute}

const perfUsage = `usage: monitor perf [list]
       monitor perf create ADDR LEN r|w|rw|x CPU   (a kernel counting event, reserved, disabled)
       monitor perf enable|disable|release ID`

// monPerf creates, enables, disables, releases and lists kernel counting events through cross-calls.
func (a *Adapter) monPerf(args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "list" {
		return a.perfList(out)
	}
	if !a.kern.up() {
		fmt.Fprintln(out, "perf: the guest kernel is not up yet (no CPU has made its READY call); continue first")
		return rsp.EBUSY
	}
	switch {
	case args[0] == "create" && len(args) == 5:
		return a.perfCreate(args[1:], out)
	case (args[0] == "enable" || args[0] == "disable" || args[0] == "release") && len(args) == 2:
		id, err := strconv.Atoi(args[1])
		if err != nil || id < 0 || id >= len(a.perfEvents) || a.perfEvents[id] == nil {
			fmt.Fprintf(out, "perf: no event %q\n", args[1])
			return rsp.EINVAL
		}
		return a.perfChange(args[0], id, out)
	}
	fmt.Fprintln(out, perfUsage)
	return rsp.EINVAL
}

func (a *Adapter) perfCreate(args []string, out io.Writer) error {
	addr, err1 := strconv.ParseUint(args[0], 0, 64)
	length, err2 := strconv.ParseUint(args[1], 0, 64)
	typ, ok := perfTypes[strings.ToLower(args[2])]
	cpu, err3 := strconv.Atoi(args[3])
	if err1 != nil || err2 != nil || err3 != nil || !ok || cpu < 0 || cpu >= a.m.NumCPUs() {
		fmt.Fprintln(out, perfUsage)
		return rsp.EINVAL
	}
	ev, err := a.kern.call(a.kern.readyCPU(), kernelsim.SymDebuggerCounterCreate, addr, length, typ, uint64(cpu))
	if err != nil {
		fmt.Fprintf(out, "perf: cross-call failed: %v\n", err)
		return rsp.EIO
	}
	if int64(ev) < 0 {
		fmt.Fprintf(out, "perf: the kernel refused the event: %s\n", errnoName(-int64(ev)))
		return rsp.Errno(-int64(ev))
	}
	a.perfEvents = append(a.perfEvents, &perfEvent{ev: ev, addr: addr, len: length, typ: strings.ToLower(args[2]), cpu: cpu})
	fmt.Fprintf(out, "perf event %d: mem:%#x/%d:%s on cpu %d (struct perf_event %#x), reserved, disabled\n",
		len(a.perfEvents)-1, addr, length, strings.ToLower(args[2]), cpu, ev)
	return nil
}

func (a *Adapter) perfChange(op string, id int, out io.Writer) error {
	e := a.perfEvents[id]
	sym := map[string]string{"enable": kernelsim.SymDebuggerEventInstall, "disable": kernelsim.SymDebuggerEventUninstall,
		"release": kernelsim.SymDebuggerEventRelease}[op]
	cpu := e.cpu
	if op == "release" {
		cpu = a.kern.readyCPU()
	}
	ret, err := a.kern.call(cpu, sym, e.ev)
	if err == errCallStopped {
		fmt.Fprintf(out, "perf: the %s cross-call on cpu %d stopped: %s\n", op, cpu, a.describeStop(*a.kern.callStop))
		return rsp.EBUSY
	}
	if err != nil {
		fmt.Fprintf(out, "perf: cross-call failed: %v\n", err)
		return rsp.EIO
	}
	if int64(ret) < 0 {
		fmt.Fprintf(out, "perf: %s event %d: %s\n", op, id, errnoName(-int64(ret)))
		return rsp.Errno(-int64(ret))
	}
	switch op {
	case "enable":
		e.enabled = true
	case "disable":
		e.enabled = false
	case "release":
		a.perfEvents[id] = nil
	}
	fmt.Fprintf(out, "perf event %d %sd\n", id, op)
	return nil
}

func (a *Adapter) perfList(out io.Writer) error {
	n := 0
	for id, e := range a.perfEvents {
		if e == nil {
			continue
		}
		n++
		var count uint64
		if ev, err := a.kern.event(e.ev); err == nil {
			count = ev.Count
		}
		state := "disabled"
		if e.enabled {
			state = "enabled"
		}
		fmt.Fprintf(out, "perf event %d: mem:%#x/%d:%s on cpu %d, %s, count %d\n", id, e.addr, e.len, e.typ, e.cpu, state, count)
	}
	if n == 0 {
		fmt.Fprintln(out, "no perf events (monitor perf create ADDR LEN r|w|rw|x CPU)")
	}
	return nil
}

func errnoName(e int64) string {
	switch e {
	case kernelsim.ErrnoENOSPC:
		return "ENOSPC (no free comparator on that CPU)"
	case kernelsim.ErrnoEINVAL:
		return "EINVAL"
	case kernelsim.ErrnoENODEV:
		return "ENODEV (no such CPU online)"
	case kernelsim.ErrnoEBUSY:
		return "EBUSY"
	}
	return fmt.Sprintf("errno %d", e)
}
