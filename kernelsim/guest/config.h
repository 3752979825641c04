/*
 * The runtime knobs of the guest kernel: one block in .data at the symbol
 * kernel_config, patched by the host before boot (and at run time by the
 * debugger's "monitor kernel"). This header is the single definition of the
 * layout; kernelsim/config.go mirrors it and config_test.go checks the two
 * agree through the DWARF of kernel.elf and the constants below.
 *
 * Rules: only u32/u64 fields, no implicit padding, append new fields at the
 * end (before reserved) and bump KCFG_VERSION.
 */
#ifndef KERNELSIM_CONFIG_H
#define KERNELSIM_CONFIG_H

#define KCFG_MAGIC 0x4746434bu /* "KCFG" in memory */
#define KCFG_VERSION 1

enum kcfg_scenario {
	KCFG_SCENARIO_WORKLOAD = 0,
	KCFG_SCENARIO_PERF_LIVELOCK = 1,
	KCFG_SCENARIO_CSYNC_WINDOW = 2,
	KCFG_SCENARIO_BANK_RACE = 3,
};

enum kcfg_uninstall_order {
	KCFG_UNINSTALL_UPSTREAM = 0, /* slot cleared first: the livelock */
	KCFG_UNINSTALL_FIXED = 1,    /* control register disabled + ISB first */
};

enum kcfg_recovery {
	KCFG_RECOVERY_NONE = 0,
	KCFG_RECOVERY_DISABLE_ORPHAN = 1, /* disable an enabled comparator with no owner, warn */
};

enum kcfg_bank_guard {
	KCFG_BANK_GUARD_NONE = 0,
	KCFG_BANK_GUARD_MASK_DEBUG = 1,
	KCFG_BANK_GUARD_SAVE_RESTORE_MDSELR = 2,
};

/* debug_flags: deliberate misconfigurations, to show each enable is needed. */
#define KCFG_DBG_KEEP_OS_LOCK (1u << 0) /* do not clear the OS lock at boot */
#define KCFG_DBG_NO_KDE (1u << 1)       /* never set MDSCR_EL1.KDE */
#define KCFG_DBG_NO_MDE (1u << 2)       /* never set MDSCR_EL1.MDE */
#define KCFG_DBG_KEEP_D_MASKED (1u << 3) /* leave PSTATE.D set outside handlers */
#define KCFG_DBG_SELFTEST_HITS (1u << 4) /* self-test also hits a MASK counter on CPU 0 (not a misconfiguration) */

struct kernel_config {
	unsigned int magic;            /* KCFG_MAGIC */
	unsigned int version;          /* KCFG_VERSION */
	unsigned int scenario;         /* enum kcfg_scenario */
	unsigned int uninstall_order;  /* enum kcfg_uninstall_order */
	unsigned int recovery;         /* enum kcfg_recovery */
	unsigned int bank_guard;       /* enum kcfg_bank_guard */
	unsigned long workload_rounds; /* rounds per CPU; 0 = run forever */
	unsigned int workload_iters;   /* counter increments per round */
	unsigned int livelock_cpu;     /* CPU the perf-livelock event is installed on */
	unsigned int stall_timeout_ms; /* stall watchdog threshold; 0 = off */
	unsigned int stall_poweroff;   /* 1 = power off after a stall report */
	unsigned int debug_flags;      /* KCFG_DBG_* */
	unsigned int reserved;
};

#endif
