/* The workload: counters and loops for gdb's watchpoints and breakpoints, on every CPU. */
#include "hw_breakpoint.h"

/* Incremented by every CPU (plain, racy read-modify-write: its final value is not printed). */
volatile u64 workload_counter;
/* Only ever read. */
volatile u64 workload_readonly = 42;
/* Set by CPU 0 when the workload scenario starts. */
volatile u32 workload_go;

DEFINE_PER_CPU(volatile u64, workload_rounds_done);
DEFINE_PER_CPU(u64, workload_readonly_sum);

/* Called after each round; a real function for hbreak workload_done. */
__stable void workload_done(void)
{
	this_cpu(workload_rounds_done)++;
	barrier();
}

__stable void workload_round(void)
{
	u32 i, iters = READ_ONCE(kernel_config.workload_iters);
	u64 sum = 0;

	for (i = 0; i < iters; i++) {
		workload_counter = workload_counter + 1;
		sum += workload_readonly;
	}
	this_cpu(workload_readonly_sum) += sum;
	smp_mb(); /* the sum is visible before the round count CPU 0 waits on */
	workload_done();
}

bool workload_finished(int cpu)
{
	u64 rounds = READ_ONCE(kernel_config.workload_rounds);

	return rounds && READ_ONCE(workload_rounds_done[cpu]) >= rounds;
}

extern DEFINE_PER_CPU(volatile u32, debugger_cpu_ready);

/*
 * Every CPU but 0 lives here: heartbeat, cross-calls, workload rounds. Its
 * READY HVC comes (in cross_call_poll) once CPU 0 says so, before any
 * scenario cross-call and before its first round.
 */
void cpu_loop(int cpu)
{
	for (;;) {
		cpu_heartbeat[cpu]++;
		cross_call_poll();
		if (READ_ONCE(debugger_cpu_ready[cpu]) && READ_ONCE(workload_go) && !workload_finished(cpu))
			workload_round();
		else
			cpu_relax();
	}
}
