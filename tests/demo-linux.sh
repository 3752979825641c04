#!/usr/bin/env bash
# make demo-linux: the lkml experiment on real Linux. The init runs what `perf stat -a -C 1 -e
# 'mem:<write_wb_reg>/4:xk' true` does; on the upstream kernel the DISABLE ioctl never returns: CPU 1 takes
# the breakpoint at write_wb_reg forever. gdb, attached with no local file, stops on the stub's livelock
# report and shows Linux's call chain. ORDER=fixed boots the kernel with our fix; LINUX=6.12 boots 6.12 on a
# GICv3 with pseudo-NMI, where Linux's own stall report carries the NMI backtrace of CPU 1.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=bin/hwbp-gdbstub
out=kernelsim/linux/out
order=${ORDER:-upstream}
version=${LINUX:-6.1}
case "$version" in
6.1) suffix= gic=2 extra= ;;
6.12) suffix=-6.12 gic=3 extra=" irqchip.gicv3_pseudo_nmi=1" ;;
*) echo "demo-linux: LINUX=$version: want 6.1 or 6.12" >&2; exit 2 ;;
esac
case "$order" in
upstream) image=Image$suffix vmlinux=vmlinux$suffix ;;
fixed) image=Image$suffix-fixed vmlinux=vmlinux$suffix-fixed ;;
*) echo "demo-linux: ORDER=$order: want upstream or fixed" >&2; exit 2 ;;
esac
cmdline="console=ttyAMA0 rdinit=/init hwbp.scenario=perf-livelock rcupdate.rcu_cpu_stall_timeout=3$extra"
log=$(mktemp) console=$(mktemp)
trap 'kill $pid 2>/dev/null || true; rm -f "$log" "$console"' EXIT
"$bin" --kernel "$out/$image" --initrd "$out/initramfs.cpio" --append "$cmdline" --symbols "$out/$vmlinux" \
	--mem 512M --cpus 2 --gic "$gic" 127.0.0.1:0 >"$console" 2>"$log" &
pid=$!
for _ in $(seq 100); do
	addr=$(sed -n 's/.*listening on \([^ ]*\) .*/\1/p' "$log")
	[ -n "$addr" ] && break
	sleep 0.1
done
[ -n "$addr" ] || { cat "$log"; exit 1; }
echo "== hwbp-gdbstub on $addr: Linux $version ($image), 2 CPUs, GICv$gic"
echo "== kernel command line: $cmdline"
if [ "$order" = fixed ]; then
	gdb-multiarch -q -nx -batch -ex 'set pagination off' -ex 'set confirm off' \
		-ex "target remote $addr" -ex 'echo \n== continue: the init runs the experiment\n' -ex 'continue'
	echo "== the init's lines (the guest console):"
	grep '^init: ' "$console"
	grep -q 'DISABLE returned, no livelock' "$console" && echo "== the fixed kernel survives: DISABLE returned"
	exit 0
fi
gdb-multiarch -q -nx -batch -ex 'set pagination off' -ex 'set confirm off' \
	-ex "target remote $addr" \
	-ex 'echo \n== continue: the init runs the experiment; the stub stops on the livelock\n' -ex 'continue' \
	-ex 'echo \n== bt\n' -ex 'bt' \
	-ex 'echo \n== monitor livelock\n' -ex 'monitor livelock' \
	-ex 'echo \n== the comparator that fires: DBGBCR0_EL1, DBGBVR0_EL1, and MDSCR_EL1 (SS clear)\n' \
	-ex 'p/x $DBGBCR0_EL1' -ex 'p/x $DBGBVR0_EL1' -ex 'p/x $MDSCR_EL1' \
	-ex 'echo \n== detach: the machine keeps running, so Linux reports its own RCU stall\n' -ex 'detach'
echo "== the init's lines (the guest console):"
grep '^init: ' "$console"
pattern='rcu: INFO: rcu_preempt detected stalls'
[ "$version" = 6.12 ] && pattern='NMI backtrace for cpu 1'
for _ in $(seq 200); do
	grep -q "$pattern" "$console" && break
	sleep 0.1
done
sleep 0.5
echo "== Linux's own report (the guest console):"
sed -n '/rcu: INFO: rcu_preempt detected stalls/,$p' "$console" | head -60
echo
echo "Run ORDER=fixed make demo-linux to see the fixed kernel survive; LINUX=6.12 for 6.12 with pseudo-NMI."
