// fpdemo: an ordinary C program (aarch64-linux-gnu-gcc -O2 -ffreestanding -nostdlib, no -mgeneral-regs-only)
// for the virt board: double arithmetic, struct copies, vectorisable loops, conversions. It prints its results
// over the PL011 and powers off with PSCI SYSTEM_OFF; qemu-system-aarch64 -M virt -cpu cortex-a57 and
// hwbp-gdbstub print the same. Its start first uses FP with CPACR_EL1.FPEN = 0 and reports the trap's ESR,
// then enables FP/SIMD and the MMU (an identity map: RAM is Normal memory, so unaligned SIMD accesses are
// fine as in any program), and calls main.
//
// Build: aarch64-linux-gnu-gcc -O2 -ffreestanding -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,-N \
//        -Wl,--no-warn-rwx-segments -o fpdemo.elf fpdemo.c

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;

__asm__(
	".section .text.start, \"ax\"\n"
	".global _start, fp_first_use\n"
	"_start:\n"
	"	ldr	x0, =vectors\n"
	"	msr	vbar_el1, x0\n"
	"	ldr	x0, =stack_top\n"
	"	mov	sp, x0\n"
	"	msr	cpacr_el1, xzr\n"
	"	isb\n"
	"fp_first_use:\n"
	"	fmov	d0, #1.0\n" // traps (EC 0x07); the handler enables FP and returns here
	"	ldr	x0, =ttable\n"
	"	ldr	x1, =0x401\n" // 0-1 GiB: Device-nGnRnE block (the PL011), AF
	"	str	x1, [x0]\n"
	"	ldr	x1, =0x40000705\n" // 1-2 GiB: Normal write-back block, inner shareable, AF
	"	str	x1, [x0, #8]\n"
	"	msr	ttbr0_el1, x0\n"
	"	ldr	x1, =0xff00\n" // MAIR: attr0 Device-nGnRnE, attr1 Normal WB
	"	msr	mair_el1, x1\n"
	"	ldr	x1, =0x803520\n" // TCR: T0SZ 32, WBWA inner shareable walks, EPD1
	"	msr	tcr_el1, x1\n"
	"	isb\n"
	"	mrs	x1, sctlr_el1\n"
	"	orr	x1, x1, #1\n" // M
	"	orr	x1, x1, #4\n" // C
	"	orr	x1, x1, #0x1000\n" // I
	"	msr	sctlr_el1, x1\n"
	"	isb\n"
	"	bl	main\n"
	"	ldr	x0, =0x84000008\n" // PSCI SYSTEM_OFF
	"	hvc	#0\n"
	"1:	b	1b\n"
	".balign 2048\n"
	"vectors:\n"
	".irp off, 0x000, 0x080, 0x100, 0x180\n"
	".org vectors + \\off\n"
	"	b	unexpected\n"
	".endr\n"
	// current EL with SPx, synchronous: the FP trap handler. It records ESR_EL1 and ELR_EL1, enables FP/SIMD
	// and returns to the trapped instruction.
	".org vectors + 0x200\n"
	"	mrs	x9, esr_el1\n"
	"	lsr	x10, x9, #26\n"
	"	cmp	x10, #7\n"
	"	b.ne	unexpected\n"
	"	ldr	x10, =trap_esr\n"
	"	str	x9, [x10]\n"
	"	mrs	x9, elr_el1\n"
	"	ldr	x10, =trap_elr\n"
	"	str	x9, [x10]\n"
	"	mov	x9, #(3 << 20)\n"
	"	msr	cpacr_el1, x9\n"
	"	isb\n"
	"	eret\n"
	".irp off, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780\n"
	".org vectors + \\off\n"
	"	b	unexpected\n"
	".endr\n"
	".org vectors + 0x800\n"
	"unexpected:\n"
	"	mrs	x0, esr_el1\n"
	"	mrs	x1, elr_el1\n"
	"	b	exception\n"
	".ltorg\n"
	".text\n"
);

u64 trap_esr, trap_elr;
extern char fp_first_use[];
u64 ttable[512] __attribute__((aligned(4096)));
u8 stack[16384] __attribute__((aligned(16)));
__asm__(".global stack_top\n.set stack_top, stack + 16384\n");

#define UART ((volatile u32 *)0x09000000)

static void putc_(char c) { UART[0] = (u8)c; }

static void puts_(const char *s) {
	while (*s)
		putc_(*s++);
}

static void puthex(u64 v, int digits) {
	for (int i = digits - 1; i >= 0; i--)
		putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void putdec(long v) {
	char b[24];
	int n = 0;
	u64 u = v < 0 ? -(u64)v : (u64)v;
	do {
		b[n++] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		putc_('-');
	while (n)
		putc_(b[--n]);
}

// putfix prints a double with 9 decimals, by FP arithmetic (FRINTM, FCVTZS, FMUL, FSUB).
static void putfix(double d) {
	if (d < 0) {
		putc_('-');
		d = -d;
	}
	double ip = __builtin_floor(d);
	putdec((long)ip);
	putc_('.');
	double f = d - ip;
	for (int i = 0; i < 9; i++) {
		f *= 10;
		int digit = (int)f;
		putc_('0' + digit);
		f -= digit;
	}
}

static u64 bits(double d) {
	union {
		double d;
		u64 u;
	} x = {d};
	return x.u;
}

static void result(const char *name, double d) {
	puts_(name);
	puts_(" = ");
	putfix(d);
	puts_(" (0x");
	puthex(bits(d), 16);
	puts_(")\n");
}

void exception(u64 esr, u64 elr) {
	puts_("unexpected exception: ESR 0x");
	puthex(esr, 8);
	puts_(" ELR 0x");
	puthex(elr, 16);
	puts_("\n");
	register u64 x0 __asm__("x0") = 0x84000008;
	__asm__ volatile("hvc #0" ::"r"(x0));
	for (;;)
		;
}

// memcpy and memset: GCC may call them for struct copies and loops even when freestanding.
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memcpy(void *d, const void *s, unsigned long n) {
	u8 *p = d;
	const u8 *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memset(void *d, int c, unsigned long n) {
	u8 *p = d;
	while (n--)
		*p++ = (u8)c;
	return d;
}

struct body {
	double x, y, vx, vy;
	double mass;
	int id;
};

#define NB 8
static struct body bodies[NB], snapshot[NB];

// sqrt_newton: Newton's iteration (FDIV, FADD, FMUL).
static double sqrt_newton(double a) {
	double x = a > 1 ? a : 1;
	for (int i = 0; i < 60; i++)
		x = 0.5 * (x + a / x);
	return x;
}

static void nbody(int steps) {
	for (int i = 0; i < NB; i++) {
		struct body b = {i * 1.25 - 3, (i % 3) * 0.75, 0, 0.1 * i, 1.0 + i / 4.0, i};
		bodies[i] = b;
	}
	for (int s = 0; s < steps; s++) {
		for (int i = 0; i < NB; i++) {
			double ax = 0, ay = 0;
			for (int j = 0; j < NB; j++) {
				if (i == j)
					continue;
				double dx = bodies[j].x - bodies[i].x, dy = bodies[j].y - bodies[i].y;
				double r2 = dx * dx + dy * dy + 0.01;
				double r = sqrt_newton(r2);
				ax += bodies[j].mass * dx / (r2 * r);
				ay += bodies[j].mass * dy / (r2 * r);
			}
			bodies[i].vx += 0.001 * ax;
			bodies[i].vy += 0.001 * ay;
		}
		for (int i = 0; i < NB; i++) {
			bodies[i].x += 0.001 * bodies[i].vx;
			bodies[i].y += 0.001 * bodies[i].vy;
		}
		if (s == steps / 2)
			for (int i = 0; i < NB; i++)
				snapshot[i] = bodies[i]; // struct copies
	}
}

#define N 1024
static float xs[N] __attribute__((aligned(16))), ys[N] __attribute__((aligned(16)));
static int is[N] __attribute__((aligned(16)));
static u8 bytes_[N] __attribute__((aligned(16)));

// saxpy, an integer sum and a byte checksum: loops GCC vectorises at -O2.
__attribute__((noinline)) static void saxpy(float a) {
	for (int i = 0; i < N; i++)
		ys[i] = a * xs[i] + ys[i];
}

__attribute__((noinline)) static int isum(void) {
	int s = 0;
	for (int i = 0; i < N; i++)
		s += is[i];
	return s;
}

__attribute__((noinline)) static u32 bsum(void) {
	u32 s = 0;
	for (int i = 0; i < N; i++)
		s += bytes_[i];
	return s;
}

__attribute__((noinline)) static void imax(int *out) {
	for (int i = 0; i < N; i++)
		is[i] = is[i] > 100 ? is[i] - 7 * (i & 3) : is[i] * 3;
	*out = is[N - 1];
}

int main(void) {
	puts_("fpdemo: FP trap ESR 0x");
	puthex(trap_esr, 8);
	puts_(trap_elr == (u64)fp_first_use ? " at the first FP instruction\n" : " at an unexpected PC\n");

	double pi = 0;
	for (int k = 0; k < 100000; k++)
		pi += (k & 1 ? -4.0 : 4.0) / (2 * k + 1);
	result("leibniz pi", pi);
	result("sqrt 2", sqrt_newton(2));
	result("1/3", 1.0 / 3);
	double e = 1, t = 1;
	for (int i = 1; i < 20; i++) {
		t /= i;
		e += t;
	}
	result("e", e);
	volatile double big = 1e308, tiny = 4.9e-324;
	result("1e308*10", big * 10);
	result("tiny/2", tiny / 2);
	result("int->double", (double)(long)-123456789012345L);
	puts_("double->int ");
	putdec((long)(-2.75e9));
	puts_(" ");
	putdec((int)2.999);
	puts_(" ");
	putdec((unsigned)(float)4e9);
	puts_("\n");

	nbody(200);
	for (int i = 0; i < NB; i += 3) {
		puts_("body ");
		putdec(snapshot[i].id);
		result(" x", snapshot[i].x);
		result("       y", bodies[i].y);
	}

	for (int i = 0; i < N; i++) {
		xs[i] = i * 0.5f;
		ys[i] = 1.0f / (i + 1);
		is[i] = (i * 37) % 211 - 50;
		bytes_[i] = (u8)(i * 7 + 3);
	}
	saxpy(2.5f);
	float fs = 0;
	for (int i = 0; i < N; i++)
		fs += ys[i];
	result("saxpy sum", fs);
	puts_("isum ");
	putdec(isum());
	puts_(" bsum ");
	putdec(bsum());
	int last;
	imax(&last);
	puts_(" imax ");
	putdec(last);
	puts_(" isum2 ");
	putdec(isum());
	puts_("\n");

	u32 fpsr;
	__asm__ volatile("mrs %x0, fpsr" : "=r"(fpsr));
	puts_("fpsr 0x");
	puthex(fpsr, 8);
	puts_("\nfpdemo: done\n");
	return 0;
}
