#!/usr/bin/env bash
# make demo: the arch_uninstall_hw_breakpoint() livelock, reproduced through gdb's own `hbreak` on the kernel
# route. gdb sets a hardware breakpoint on write_wb_reg (it becomes a debugger-owned event of the guest kernel),
# then deletes it: the kernel's uninstall clears the slot before write_wb_reg disables the control register, the
# breakpoint fires with no owner, is not stepped, and the same exception is taken forever.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=bin/hwbp-gdbstub
order=${ORDER:-upstream}
log=$(mktemp)
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
"$bin" --hw-debug kernel --uninstall-order "$order" --cpus 2 127.0.0.1:0 >/dev/null 2>"$log" &
pid=$!
for _ in $(seq 100); do
	addr=$(sed -n 's/.*listening on \([^ ]*\) .*/\1/p' "$log")
	[ -n "$addr" ] && break
	sleep 0.1
done
[ -n "$addr" ] || { cat "$log"; exit 1; }
echo "== hwbp-gdbstub on $addr, kernel route, uninstall order: $order"
gdb-multiarch -q -nx -batch \
	-ex 'set pagination off' -ex 'set confirm off' \
	-ex "target remote $addr" \
	-ex 'echo \n== hbreak write_wb_reg, break workload_done, continue\n' \
	-ex 'hbreak write_wb_reg' -ex 'break workload_done' -ex 'continue' \
	-ex 'echo \n== monitor slots: gdb owns a breakpoint comparator on every CPU\n' -ex 'monitor slots' \
	-ex 'echo \n== delete the hbreak, continue: the kernel uninstalls it\n' -ex 'delete 1' -ex 'continue' \
	-ex 'echo \n== bt\n' -ex 'bt' \
	-ex 'echo \n== monitor livelock\n' -ex 'monitor livelock' \
	-ex 'echo \n== monitor slots: the comparator is still enabled and no slot owns it\n' -ex 'monitor slots'
echo
echo "Run ORDER=fixed make demo to see the fixed order complete the uninstall."
