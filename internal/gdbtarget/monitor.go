package gdbtarget

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

// monitorCommand is one entry of the fixed `monitor` table. Nothing here reaches the host: no shell, no files.
type monitorCommand struct {
	name  string
	usage string
	run   func(a *Adapter, args []string, out io.Writer) error
}

var monitorTable []monitorCommand

func init() {
	monitorTable = []monitorCommand{
		{"help", "help                 list the monitor commands", (*Adapter).monHelp},
		{"stats", "stats                instructions, exceptions and stops so far", (*Adapter).monStats},
		{"slots", "slots                per CPU: each comparator, its kernel owner, value, control, enabled or not", (*Adapter).monSlots},
		{"dbgregs", "dbgregs [CPU]        the debug system registers", (*Adapter).monDbgregs},
		{"livelock", "livelock             the last livelock report and the guest's exception counters", (*Adapter).monLivelock},
		{"kernel", "kernel [KNOB VALUE]  show or set the guest's runtime knobs (uninstall-order, recovery, bank-guard)", (*Adapter).monKernel},
		{"scenario", "scenario [NAME]      show the scenario, or restart the machine running NAME", (*Adapter).monScenario},
		{"perf", "perf [create|enable|disable|release|list]  kernel counting events, like perf stat -C CPU -e mem:ADDR/LEN:TYPE", (*Adapter).monPerf},
		{"reset", "reset                reload the kernel and restart every CPU (gdb's points stay)", (*Adapter).monReset},
	}
}

// Monitor implements rsp.Monitor.
func (a *Adapter) Monitor(cmd string, out io.Writer) error {
	fields := strings.Fields(cmd)
	if len(fields) == 0 {
		return a.monHelp(nil, out)
	}
	for _, c := range monitorTable {
		if c.name == fields[0] {
			return c.run(a, fields[1:], out)
		}
	}
	fmt.Fprintf(out, "unknown monitor command %q; try \"monitor help\"\n", fields[0])
	return rsp.EINVAL
}

func (a *Adapter) monHelp(_ []string, out io.Writer) error {
	fmt.Fprintln(out, "monitor commands:")
	for _, c := range monitorTable {
		fmt.Fprintln(out, "  "+c.usage)
	}
	return nil
}

func (a *Adapter) monStats(_ []string, out io.Writer) error {
	s := a.m.Stats()
	var total uint64
	for i, n := range s.Executed {
		fmt.Fprintf(out, "cpu%-2d instructions %d\n", i, n)
		total += n
	}
	fmt.Fprintf(out, "total instructions %d\nexceptions %d\n", total, s.Exceptions)
	if s.ParallelExecuted > 0 {
		fmt.Fprintf(out, "instructions in parallel phases %d\n", s.ParallelExecuted)
	}
	fmt.Fprintf(out, "server goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(out, "stops %d (breakpoint %d, watchpoint %d, step %d, interrupt %d)\n",
		a.stats.stops, a.stats.bpHits, a.stats.watchHits, a.stats.steps, a.stats.interrupts)
	a.route.stats(out)
	a.bank.describe(out)
	a.describeSoft(out)
	return nil
}

func (a *Adapter) monReset(_ []string, out io.Writer) error {
	if err := a.boot(); err != nil {
		fmt.Fprintf(out, "reset failed: %v\n", err)
		return rsp.EIO
	}
	fmt.Fprintln(out, "machine reset: every CPU restarts from the kernel entry point")
	return nil
}
