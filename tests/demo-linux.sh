#!/usr/bin/env bash
# make demo-linux: the lkml experiment on real Linux. The init pins itself to CPU 1 and opens a perf
# breakpoint on write_wb_reg, as `perf stat -a -C 1 -e 'mem:<write_wb_reg>/4:xk' true` does; on the upstream
# kernel the DISABLE ioctl's uninstall hits that breakpoint forever. gdb (no local file: the stub serves vmlinux)
# continues, stops on CPU 1 with the stub's livelock report, and shows Linux's call chain with bt; then it
# detaches, the machine keeps running, and Linux's own RCU stall report follows on the console.
#   LINUX=6.1|6.12      the kernel (6.12 runs on a GICv3 with pseudo-NMI: Linux's report has the NMI backtrace)
#   ORDER=upstream|fixed the kernel as shipped or with the fix in kernelsim/linux/patches/
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${HWBP_GDBSTUB:-bin/hwbp-gdbstub} # the tests run it with their own build
out=kernelsim/linux/out
version=${LINUX:-6.1}
order=${ORDER:-upstream}
case "$version" in
6.1) suffix= gic=2 extra= ;;
6.12) suffix=-6.12 gic=3 extra=' irqchip.gicv3_pseudo_nmi=1' ;;
*) echo "demo-linux: LINUX must be 6.1 or 6.12, not $version" >&2; exit 1 ;;
esac
case "$order" in
upstream) ;;
fixed) suffix=$suffix-fixed ;;
*) echo "demo-linux: ORDER must be upstream or fixed, not $order" >&2; exit 1 ;;
esac
image=$out/Image$suffix vmlinux=$out/vmlinux$suffix
for f in "$image" "$vmlinux" "$out/initramfs.cpio"; do
	[ -f "$f" ] || { echo "demo-linux: $f is missing: run make linux" >&2; exit 1; }
done
cmdline="console=ttyAMA0 rdinit=/init hwbp.scenario=perf-livelock rcupdate.rcu_cpu_stall_timeout=3$extra"
boot=(--kernel "$image" --initrd "$out/initramfs.cpio" --append "$cmdline" --mem 512M --cpus 2 --gic "$gic"
	--symbols "$vmlinux")
console=$(mktemp) log=$(mktemp)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -f "$console" "$log"' EXIT

# serve starts the stub in the background with the boot flags and $@, and sets addr to where it listens.
serve() {
	: >"$console"; : >"$log"
	"$bin" "${boot[@]}" "$@" 127.0.0.1:0 <&- >"$console" 2>"$log" &
	pid=$!
	addr=
	for _ in $(seq 100); do
		addr=$(sed -n 's/.*listening on \([^ ]*\) .*/\1/p' "$log")
		[ -n "$addr" ] && return
		sleep 0.1
	done
	cat "$log" >&2
	exit 1
}

# stop ends the stub started last.
stop() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
}

echo "== Linux $version ($order uninstall order), $(basename "$image"), GICv$gic, 2 CPUs"
echo "== append: $cmdline"
if [ "$order" = fixed ]; then
	serve --run --once
	wait "$pid" && rc=0 || rc=$?
	pid=
	echo "== the init's lines"
	tr -d '\r' <"$console" | grep -a '^init: '
	echo "== the stub's stderr (no livelock report)"
	grep -av 'listening on' "$log" || true
	echo "== the stub exited $rc when the init powered off"
	exit "$rc"
fi

serve
echo "== hwbp-gdbstub on $addr; gdb-multiarch with no local file: continue, then bt on the stuck CPU"
gdb-multiarch -q -nx -batch \
	-ex 'set pagination off' -ex 'set confirm off' \
	-ex "target remote $addr" \
	-ex 'echo \n== continue: Linux boots, the init runs the experiment\n' -ex 'continue' \
	-ex 'echo \n== bt\n' -ex 'bt' \
	-ex 'echo \n== monitor dbgregs 1: the comparator that fires\n' -ex 'monitor dbgregs 1' \
	-ex 'echo \n== detach: the machine keeps running, so Linux reports its own RCU stall\n' -ex 'detach'
echo
echo "== the init's lines (DISABLE never returns)"
tr -d '\r' <"$console" | grep -a '^init: '
# Linux's report: on 6.12 up to the end of the NMI backtrace's call trace, on 6.1 (no NMI backtrace) from
# the stall line on, once it names CPU 1.
if [ "$version" = 6.12 ]; then
	last=' el0t_64_sync+0x'
else
	last='rcu: .*(1-\.\.\.|->cpu=1)'
fi
for _ in $(seq 600); do
	tr -d '\r' <"$console" | sed -n '/rcu: INFO: rcu_preempt detected stalls/,$p' | grep -Eaq -- "$last" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
[ "$version" = 6.12 ] || sleep 1 # the rest of 6.1's report: the stuck task's dump
stop
echo
echo "== Linux's own report on the console (stall timeout 3 s)"
tr -d '\r' <"$console" | sed -n '/rcu: INFO: rcu_preempt detected stalls/,$p' |
	if [ "$version" = 6.12 ]; then sed -n "1,/$last/p"; else head -40; fi
echo
echo "Run ORDER=fixed make demo-linux${LINUX:+ LINUX=$LINUX} to see the fixed kernel survive."
