// Package pl011 is the Arm PrimeCell PL011 UART as QEMU's virt machine has it
// at 0x09000000: enough for Linux's amba-pl011 driver, its earlycon and the
// model kernel.
//
// It exists to give the guest a console: DR writes go to an io.Writer, bytes
// the host feeds with Input are read from DR, and the UART's interrupt output
// (SPI 33 on virt) follows IMSC/RIS. Transmission is instant: the TX FIFO is
// always empty, so both of Linux's output paths (printk console and tty) just
// poll FR and never need the TX interrupt. The PrimeCell ID registers at
// 0xfe0-0xffc are what makes the AMBA bus bind the driver at all.
// Facts and choices: docs/devices.md, "PL011".
package pl011
