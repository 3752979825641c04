/*
 * The init of hwbp-gdbstub's Linux guest: a static, freestanding program (no libc, general registers
 * only) that the initramfs holds as /init. Every line it prints starts with "init: " and carries
 * nothing that changes from run to run (no pids, no times), so two machines running the same Image,
 * initramfs and command line print the same init lines.
 *
 * The kernel command line word hwbp.scenario= picks what it does (docs/linux.md):
 *   hello          (default) print who and where we are, power off
 *   perf-livelock  the lkml experiment: a CPU-bound perf breakpoint on write_wb_reg, pinned to CPU 1,
 *                  ENABLE then DISABLE. Linux's upstream uninstall order never returns from DISABLE;
 *                  a kernel with the fix returns 0 and the init powers off.
 *   idle           sleep 5 s, power off (host CPU while Linux idles, tests/bench)
 *   busy           200000 getppid system calls, power off (armed points on a busy kernel, tests/bench)
 * Power off is reboot(LINUX_REBOOT_CMD_POWER_OFF), which Linux does through PSCI SYSTEM_OFF.
 */
#include <stdarg.h>
#include <stdint.h>

typedef unsigned long size_t;
typedef long ssize_t;

/* arm64 (asm-generic) system call numbers. */
enum {
	NR_ioctl = 29,
	NR_mount = 40,
	NR_openat = 56,
	NR_close = 57,
	NR_read = 63,
	NR_write = 64,
	NR_exit = 93,
	NR_nanosleep = 101,
	NR_sched_setaffinity = 122,
	NR_sched_getaffinity = 123,
	NR_reboot = 142,
	NR_uname = 160,
	NR_getppid = 173,
	NR_clone = 220,
	NR_perf_event_open = 241,
	NR_wait4 = 260,
};

static long syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;
	register long x3 __asm__("x3") = a3;
	register long x4 __asm__("x4") = a4;
	register long x5 __asm__("x5") = a5;
	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
#define SYS(nr, a0, a1, a2, a3, a4, a5) \
	syscall6(nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5))

/* The compiler may emit calls to these even in freestanding code. */
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

static size_t str_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* ---- output: one write(2) per line, so lines of two processes never mix ---- */

struct buf {
	char b[512];
	size_t n;
};

static void put_c(struct buf *o, char c)
{
	if (o->n < sizeof(o->b) - 1)
		o->b[o->n++] = c;
}

static void put_s(struct buf *o, const char *s)
{
	while (*s)
		put_c(o, *s++);
}

static void put_u(struct buf *o, unsigned long v, unsigned base)
{
	char t[24];
	int i = 0;
	do {
		t[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		put_c(o, t[--i]);
}

/* say("fmt", ...): prints "init: " + fmt + "\n". %s, %d (long), %x (unsigned long, 0x-prefixed). */
static void say(const char *fmt, ...)
{
	struct buf o = { .n = 0 };
	va_list ap;

	va_start(ap, fmt);
	put_s(&o, "init: ");
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put_c(&o, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			put_s(&o, va_arg(ap, const char *));
			break;
		case 'd': {
			long v = va_arg(ap, long);
			if (v < 0) {
				put_c(&o, '-');
				v = -v;
			}
			put_u(&o, (unsigned long)v, 10);
			break;
		}
		case 'x':
			put_s(&o, "0x");
			put_u(&o, va_arg(ap, unsigned long), 16);
			break;
		default:
			put_c(&o, '%');
			put_c(&o, *fmt);
		}
	}
	va_end(ap);
	put_c(&o, '\n');
	SYS(NR_write, 1, o.b, o.n, 0, 0, 0);
}

/* ---- process helpers ---- */

#define AT_FDCWD (-100)
#define SIGCHLD 17

static void sleep_s(long s)
{
	long ts[2] = { s, 0 };
	SYS(NR_nanosleep, ts, 0, 0, 0, 0, 0);
}

static long pin_to_cpu(int cpu)
{
	unsigned long mask = 1UL << cpu;
	return SYS(NR_sched_setaffinity, 0, sizeof(mask), &mask, 0, 0, 0);
}

static long fork_(void)
{
	return SYS(NR_clone, SIGCHLD, 0, 0, 0, 0, 0);
}

static __attribute__((noreturn)) void exit_(int code)
{
	for (;;)
		SYS(NR_exit, code, 0, 0, 0, 0, 0);
}

static __attribute__((noreturn)) void power_off(void)
{
	say("power off");
	/* LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF */
	long r = SYS(NR_reboot, 0xfee1dead, 672274793, 0x4321fedc, 0, 0, 0);
	say("reboot(POWER_OFF) = %d", r);
	for (;;)
		sleep_s(1000);
}

/* Reads all of a small file into b (NUL-terminated); returns its length or a negative errno. */
static long read_file(const char *path, char *b, size_t size)
{
	long fd = SYS(NR_openat, AT_FDCWD, path, 0, 0, 0, 0);
	size_t n = 0;
	if (fd < 0)
		return fd;
	for (;;) {
		long r = SYS(NR_read, fd, b + n, size - 1 - n, 0, 0, 0);
		if (r <= 0)
			break;
		n += r;
	}
	SYS(NR_close, fd, 0, 0, 0, 0, 0);
	b[n] = 0;
	return n;
}

/* The value of word key= on the command line, copied into v (empty when absent). */
static void cmdline_value(const char *cmdline, const char *key, char *v, size_t size)
{
	size_t kn = str_len(key), n = 0;
	const char *p = cmdline;

	v[0] = 0;
	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		size_t i = 0;
		while (i < kn && w + i < p && w[i] == key[i])
			i++;
		if (i == kn && w + kn < p && w[kn] == '=') {
			for (w += kn + 1, n = 0; w < p && n < size - 1; w++)
				v[n++] = *w;
			v[n] = 0;
		}
	}
}

/* ---- /proc/kallsyms ---- */

/* Parses one "ffffffc008012345 t name[\t[module]]" line; returns the address when it names a text symbol. */
static unsigned long kallsyms_line(const char *l, const char *name)
{
	unsigned long a = 0;
	const char *p = l;
	for (; *p && *p != ' '; p++) {
		char c = *p;
		a = a * 16 + (c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
	}
	if (p[0] != ' ' || (p[1] != 't' && p[1] != 'T') || p[2] != ' ')
		return 0;
	char sym[128];
	size_t n = 0;
	for (p += 3; *p && *p != '\t' && *p != ' ' && n < sizeof(sym) - 1; p++)
		sym[n++] = *p;
	sym[n] = 0;
	return str_eq(sym, name) ? a : 0;
}

static unsigned long kallsyms_lookup(const char *name)
{
	static char chunk[4096];
	char line[256];
	size_t ln = 0;
	unsigned long addr = 0;
	long fd = SYS(NR_openat, AT_FDCWD, "/proc/kallsyms", 0, 0, 0, 0);

	if (fd < 0) {
		say("open /proc/kallsyms = %d", fd);
		return 0;
	}
	while (!addr) {
		long r = SYS(NR_read, fd, chunk, sizeof(chunk), 0, 0, 0);
		if (r <= 0)
			break;
		for (long i = 0; i < r && !addr; i++) {
			if (chunk[i] != '\n') {
				if (ln < sizeof(line) - 1)
					line[ln++] = chunk[i];
				continue;
			}
			line[ln] = 0;
			ln = 0;
			addr = kallsyms_line(line, name);
		}
	}
	SYS(NR_close, fd, 0, 0, 0, 0, 0);
	return addr;
}

/* ---- perf ---- */

/* struct perf_event_attr up to bp_len (PERF_ATTR_SIZE_VER1). */
struct perf_attr {
	uint32_t type;
	uint32_t size;
	uint64_t config;
	uint64_t sample_period;
	uint64_t sample_type;
	uint64_t read_format;
	uint64_t flags; /* bit 0 disabled, bit 4 exclude_user */
	uint32_t wakeup_events;
	uint32_t bp_type;
	uint64_t bp_addr;
	uint64_t bp_len;
};

enum {
	PERF_TYPE_BREAKPOINT = 5,
	HW_BREAKPOINT_X = 4,
	ATTR_DISABLED = 1 << 0,
	ATTR_EXCLUDE_USER = 1 << 4,
	PERF_EVENT_IOC_ENABLE = 0x2400,  /* _IO('$', 0) */
	PERF_EVENT_IOC_DISABLE = 0x2401, /* _IO('$', 1) */
};

static long read_count(long fd, const char *when)
{
	uint64_t count = 0;
	long r = SYS(NR_read, fd, &count, sizeof(count), 0, 0, 0);
	if (r != sizeof(count)) {
		say("read count %s = %d", when, r);
		return r;
	}
	say("count %s = %d", when, (long)count);
	return 0;
}

/* A child pinned to CPU 0 that forks a child that exits at once, every second: each exit frees the task
 * through call_rcu, so RCU keeps starting grace periods and its stall detector can see a stuck CPU. */
static void start_rcu_helper(void)
{
	long pid = fork_();
	if (pid < 0) {
		say("rcu helper: fork = %d", pid);
		return;
	}
	if (pid > 0) {
		say("rcu helper: forks a child every second on cpu 0");
		return;
	}
	pin_to_cpu(0);
	for (;;) {
		long c = fork_();
		if (c == 0)
			exit_(0);
		if (c > 0) {
			int status;
			SYS(NR_wait4, c, &status, 0, 0, 0, 0);
		}
		sleep_s(1);
	}
}

static void perf_livelock(void)
{
	unsigned long addr = kallsyms_lookup("write_wb_reg");
	if (!addr) {
		say("write_wb_reg not found in /proc/kallsyms");
		return;
	}
	say("write_wb_reg at %x", addr);

	start_rcu_helper();

	long r = pin_to_cpu(1);
	say("sched_setaffinity(cpu 1) = %d", r);
	if (r < 0)
		return;

	struct perf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_BREAKPOINT;
	attr.size = sizeof(attr);
	attr.flags = ATTR_DISABLED | ATTR_EXCLUDE_USER;
	attr.bp_type = HW_BREAKPOINT_X;
	attr.bp_addr = addr;
	attr.bp_len = 4;
	long fd = SYS(NR_perf_event_open, &attr, -1, 1, -1, 0, 0);
	say("perf_event_open(breakpoint x at %x, len 4, exclude_user, pid -1, cpu 1) = %d", addr, fd);
	if (fd < 0)
		return;

	say("ioctl ENABLE = %d", SYS(NR_ioctl, fd, PERF_EVENT_IOC_ENABLE, 0, 0, 0, 0));
	read_count(fd, "after ENABLE");
	say("ioctl DISABLE ...");
	say("ioctl DISABLE = %d", SYS(NR_ioctl, fd, PERF_EVENT_IOC_DISABLE, 0, 0, 0, 0));
	read_count(fd, "after DISABLE");
	say("close = %d", SYS(NR_close, fd, 0, 0, 0, 0, 0));
	say("perf-livelock: DISABLE returned, no livelock");
}

static void hello(void)
{
	char uts[6][65];
	unsigned long mask[4] = { 0 };
	long cpus = 0;

	if (SYS(NR_uname, uts, 0, 0, 0, 0, 0) == 0)
		say("kernel %s %s %s", uts[0], uts[2], uts[4]);
	long n = SYS(NR_sched_getaffinity, 0, sizeof(mask), mask, 0, 0, 0);
	for (long i = 0; i < n / 8; i++)
		for (unsigned long m = mask[i]; m; m &= m - 1)
			cpus++;
	say("cpus online: %d", cpus);
	say("hello from the hwbp-gdbstub init");
}

/* idle: Linux idles a few seconds (host CPU while the guest sleeps, tests/bench). */
static void idle(void)
{
	sleep_s(5);
	say("idle: slept 5 s");
}

/* busy: a syscall-heavy loop of a fixed length (armed points on a busy kernel, tests/bench). */
static void busy(void)
{
	long n = 0;
	for (long i = 0; i < 200000; i++)
		n += SYS(NR_getppid, 0, 0, 0, 0, 0, 0);
	say("busy: 200000 getppid, sum %d", n);
}

__attribute__((noreturn)) void init_main(void)
{
	static char cmdline[4096];
	char scenario[64];

	say("started");
	long r = SYS(NR_mount, "proc", "/proc", "proc", 0, 0, 0);
	if (r < 0)
		say("mount /proc = %d", r);
	r = read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	if (r < 0)
		say("read /proc/cmdline = %d", r);
	cmdline_value(cmdline, "hwbp.scenario", scenario, sizeof(scenario));
	if (!scenario[0])
		memcpy(scenario, "hello", 6);
	say("scenario %s", scenario);

	if (str_eq(scenario, "hello"))
		hello();
	else if (str_eq(scenario, "perf-livelock"))
		perf_livelock();
	else if (str_eq(scenario, "idle"))
		idle();
	else if (str_eq(scenario, "busy"))
		busy();
	else
		say("unknown scenario (known: hello, perf-livelock, idle, busy)");
	power_off();
}
