/* The runtime knobs (config.h): in .data so boot never zeroes them; the host patches them before boot. */
#include "kernel.h"

volatile struct kernel_config kernel_config __attribute__((section(".data.kernel_config"), used, aligned(8))) = {
	.magic = KCFG_MAGIC,
	.version = KCFG_VERSION,
	.scenario = KCFG_SCENARIO_WORKLOAD,
	.uninstall_order = KCFG_UNINSTALL_UPSTREAM,
	.recovery = KCFG_RECOVERY_NONE,
	.bank_guard = KCFG_BANK_GUARD_NONE,
	.workload_rounds = 0,
	.workload_iters = 1000,
	.livelock_cpu = 1,
	.stall_timeout_ms = 2000,
	.stall_poweroff = 0,
	.debug_flags = 0,
	.reserved = 0,
};
