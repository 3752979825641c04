/*
 * PL011 console and a small printf. Only CPU 0 prints (so the console text
 * is the same on QEMU and on the simulator whatever the interleaving);
 * panic_printk prints from any CPU.
 */
#include "hw_breakpoint.h"

#define UART_BASE 0x09000000ul
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1u << 5)

/* Lines other CPUs tried to print (they are dropped). */
u64 console_dropped;

static void uart_putc(char c)
{
	volatile u32 *fr = (volatile u32 *)(UART_BASE + UART_FR);
	volatile u32 *dr = (volatile u32 *)(UART_BASE + UART_DR);

	while (*fr & UART_FR_TXFF)
		;
	*dr = (u32)(unsigned char)c;
}

static void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

/* Function starts the console can name (a kernel-side %pS). */
extern char _start[];
extern char csync_enable_seq[], csync_disable_seq[];
void el1h_sync_handler(struct pt_regs *regs);
void kernel_main(void);
void secondary_main(int cpu);

static const struct ksym {
	const void *addr;
	const char *name;
} ksyms[] = {
	{ _start, "_start" },
	{ secondary_entry, "secondary_entry" },
	{ (const void *)halt_forever, "halt_forever" },
	{ vectors, "vectors" },
	{ (const void *)write_wb_reg, "write_wb_reg" },
	{ (const void *)read_wb_reg, "read_wb_reg" },
	{ (const void *)hw_breakpoint_slot_setup, "hw_breakpoint_slot_setup" },
	{ (const void *)hw_breakpoint_control, "hw_breakpoint_control" },
	{ (const void *)arch_install_hw_breakpoint, "arch_install_hw_breakpoint" },
	{ (const void *)arch_uninstall_hw_breakpoint, "arch_uninstall_hw_breakpoint" },
	{ (const void *)do_breakpoint, "do_breakpoint" },
	{ (const void *)do_watchpoint, "do_watchpoint" },
	{ (const void *)toggle_bp_registers, "toggle_bp_registers" },
	{ (const void *)try_step_suspended_breakpoints, "try_step_suspended_breakpoints" },
	{ (const void *)el1h_sync_handler, "el1h_sync_handler" },
	{ (const void *)workload_round, "workload_round" },
	{ (const void *)workload_done, "workload_done" },
	{ (const void *)kernel_main, "kernel_main" },
	{ (const void *)secondary_main, "secondary_main" },
	{ csync_enable_seq, "csync_enable_seq" },
	{ csync_disable_seq, "csync_disable_seq" },
};

const char *ksym_name(u64 pc, u64 *off)
{
	const struct ksym *best = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ksyms); i++) {
		u64 a = (u64)ksyms[i].addr;

		if (a <= pc && (!best || a > (u64)best->addr))
			best = &ksyms[i];
	}
	if (!best || pc - (u64)best->addr >= 0x800)
		return NULL;
	*off = pc - (u64)best->addr;
	return best->name;
}

struct outbuf {
	char *buf;
	int size;
	int len;
};

static void out_c(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_s(struct outbuf *o, const char *s)
{
	while (*s)
		out_c(o, *s++);
}

static void out_num(struct outbuf *o, u64 v, int base, int width, char pad, bool neg)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % (u64)base];
		v /= (u64)base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (n < width--)
		out_c(o, pad);
	while (n)
		out_c(o, tmp[--n]);
}

static void vformat(struct outbuf *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		char pad = ' ';
		u64 v;

		if (*fmt != '%') {
			out_c(o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
			if (longs)
				v = (u64)va_arg(ap, long);
			else
				v = (u64)(long)va_arg(ap, int);
			if ((long)v < 0)
				out_num(o, -(u64)v, 10, width, pad, true);
			else
				out_num(o, v, 10, width, pad, false);
			break;
		case 'u':
		case 'x':
			v = longs ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			out_num(o, v, *fmt == 'u' ? 10 : 16, width, pad, false);
			break;
		case 'c':
			out_c(o, (char)va_arg(ap, int));
			break;
		case 's':
			out_s(o, va_arg(ap, const char *));
			break;
		case 'p': {
			u64 p = (u64)va_arg(ap, void *), off;
			const char *name;

			if (fmt[1] == 'S') {
				fmt++;
				name = ksym_name(p, &off);
				if (name) {
					out_s(o, name);
					out_s(o, "+0x");
					out_num(o, off, 16, 0, ' ', false);
					break;
				}
			}
			out_s(o, "0x");
			out_num(o, p, 16, 0, ' ', false);
			break;
		}
		case '%':
			out_c(o, '%');
			break;
		default:
			out_c(o, '?');
			break;
		}
	}
	if (o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = 0;
}

int snprintk(char *buf, int size, const char *fmt, ...)
{
	struct outbuf o = { buf, size, 0 };
	va_list ap;

	va_start(ap, fmt);
	vformat(&o, fmt, ap);
	va_end(ap);
	return o.len;
}

void print_symbol(char *buf, int size, u64 pc)
{
	snprintk(buf, size, "%pS", (void *)pc);
}

void printk(const char *fmt, ...)
{
	char line[256];
	struct outbuf o = { line, sizeof(line), 0 };
	va_list ap;

	if (smp_processor_id() != 0) {
		console_dropped++;
		return;
	}
	va_start(ap, fmt);
	vformat(&o, fmt, ap);
	va_end(ap);
	uart_puts(line);
}

void panic_printk(const char *fmt, ...)
{
	char line[256];
	struct outbuf o = { line, sizeof(line), 0 };
	va_list ap;

	va_start(ap, fmt);
	vformat(&o, fmt, ap);
	va_end(ap);
	uart_puts(line);
}
