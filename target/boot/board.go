package boot

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fdt"
)

// The QEMU virt memory map and interrupt numbers the board tree describes.
const (
	GICDistBase   = 0x0800_0000 // GICv2/v3 distributor, 64 KiB
	GICCPUBase    = 0x0801_0000 // GICv2 CPU interface, 64 KiB
	GICRedistBase = 0x080a_0000 // GICv3 redistributors, 128 KiB per CPU
	UARTBase      = 0x0900_0000 // PL011, 4 KiB
	UARTSPI       = 1           // the PL011's SPI (INTID 33)

	gicFrameSize   = 0x1_0000
	redistSize     = 0xf6_0000 // QEMU's region: room for 123 CPUs
	redistPerCPU   = 0x2_0000
	uartSize       = 0x1000
	apbClockHz     = 24_000_000
	maxGICv2CPUs   = 8 // GICv2 target lists have 8 bits
	maxGICv3CPUs   = redistSize / redistPerCPU
	clockPhandle   = 0x8000 // QEMU numbers phandles from 0x8000 too
	gicPhandle     = 0x8001
	defaultCPUName = "arm,cortex-a57"
)

// Timer PPIs in device-tree numbering (INTID - 16), in the order the binding wants: secure physical,
// non-secure physical, virtual, hypervisor.
var timerPPIs = [4]uint32{13, 14, 11, 10}

// Interrupt specifier cells (GIC binding): type, number, flags.
const (
	irqSPI       = 0
	irqPPI       = 1
	irqLevelHigh = 4
)

// Board describes the machine the generated tree tells Linux about.
type Board struct {
	CPUs             int
	RAMBase, RAMSize uint64
	GIC              int    // 2 (arm,cortex-a15-gic) or 3 (arm,gic-v3)
	Bootargs         string // /chosen/bootargs; "" leaves it out, as QEMU does
	// InitrdStart and InitrdEnd give /chosen/linux,initrd-start and -end; both 0 = no initrd.
	InitrdStart, InitrdEnd uint64
	CPUCompatible          string               // "" = "arm,cortex-a57"
	Affinity               func(cpu int) uint64 // MPIDR affinity of each CPU; nil = QEMU virt's layout
}

// Check says what is wrong with the board, if anything.
func (b Board) Check() error {
	switch {
	case b.GIC != 2 && b.GIC != 3:
		return fmt.Errorf("boot: GIC version %d: want 2 or 3", b.GIC)
	case b.CPUs < 1:
		return fmt.Errorf("boot: %d CPUs: want at least 1", b.CPUs)
	case b.GIC == 2 && b.CPUs > maxGICv2CPUs:
		return fmt.Errorf("boot: %d CPUs: a GICv2 serves at most %d (use GICv3)", b.CPUs, maxGICv2CPUs)
	case b.GIC == 3 && b.CPUs > maxGICv3CPUs:
		return fmt.Errorf("boot: %d CPUs: the GICv3 redistributor region holds at most %d", b.CPUs, maxGICv3CPUs)
	case b.RAMSize == 0 || b.RAMBase+b.RAMSize < b.RAMBase:
		return fmt.Errorf("boot: RAM [%#x, +%#x) is empty or wraps", b.RAMBase, b.RAMSize)
	case b.InitrdEnd < b.InitrdStart:
		return fmt.Errorf("boot: initrd end %#x below its start %#x", b.InitrdEnd, b.InitrdStart)
	}
	return nil
}

// DefaultAffinity is the MPIDR affinity QEMU's virt board gives CPU i: clusters of 8 CPUs with a GICv2
// (its target lists have 8 bits) and of 16 with a GICv3.
func DefaultAffinity(gic, cpu int) uint64 {
	cluster := 8
	if gic == 3 {
		cluster = 16
	}
	return uint64(cpu/cluster)<<8 | uint64(cpu%cluster)
}

// Tree builds the device tree QEMU 7.2's virt board writes for the same CPUs, RAM, GIC and /chosen, without
// the devices this machine does not model (virtio, PCIe, flash, fw-cfg, RTC, GPIO, PMU, GICv2m/ITS, platform
// bus) and without the random kaslr-seed and rng-seed.
func (b Board) Tree() (*fdt.Tree, error) {
	if err := b.Check(); err != nil {
		return nil, err
	}
	t := fdt.NewTree()
	r := t.Root
	r.SetU32("interrupt-parent", gicPhandle).SetString("model", "linux,dummy-virt")
	r.SetU32("#size-cells", 2).SetU32("#address-cells", 2).SetString("compatible", "linux,dummy-virt")

	setPSCI(t)

	r.AddChild(fmt.Sprintf("memory@%x", b.RAMBase)).
		SetU64("reg", b.RAMBase, b.RAMSize).SetString("device_type", "memory")

	r.AddChild(fmt.Sprintf("pl011@%x", UARTBase)).
		SetStrings("clock-names", "uartclk", "apb_pclk").SetU32("clocks", clockPhandle, clockPhandle).
		SetU32("interrupts", irqSPI, UARTSPI, irqLevelHigh).SetU64("reg", UARTBase, uartSize).
		SetStrings("compatible", "arm,pl011", "arm,primecell")

	gic := r.AddChild(fmt.Sprintf("intc@%x", GICDistBase)).SetPhandle(gicPhandle)
	if b.GIC == 2 {
		gic.SetU64("reg", GICDistBase, gicFrameSize, GICCPUBase, gicFrameSize).
			SetString("compatible", "arm,cortex-a15-gic")
	} else {
		gic.SetU64("reg", GICDistBase, gicFrameSize, GICRedistBase, redistSize).
			SetU32("#redistributor-regions", 1).SetString("compatible", "arm,gic-v3")
	}
	gic.SetEmpty("ranges").SetU32("#size-cells", 2).SetU32("#address-cells", 2).
		SetEmpty("interrupt-controller").SetU32("#interrupt-cells", 3)

	cpus := r.AddChild("cpus").SetU32("#size-cells", 0).SetU32("#address-cells", 1)
	compat := b.CPUCompatible
	if compat == "" {
		compat = defaultCPUName
	}
	for i := 0; i < b.CPUs; i++ {
		aff := DefaultAffinity(b.GIC, i)
		if b.Affinity != nil {
			aff = b.Affinity(i)
		}
		if aff > 0xffff_ffff {
			return nil, fmt.Errorf("boot: CPU %d affinity %#x needs Aff3; the tree has one address cell", i, aff)
		}
		cpu := cpus.AddChild(fmt.Sprintf("cpu@%d", i)).SetU32("reg", uint32(aff))
		if b.CPUs > 1 { // as QEMU: a lone CPU has nothing to start
			cpu.SetString("enable-method", "psci")
		}
		cpu.SetString("compatible", compat).SetString("device_type", "cpu")
	}

	// A GICv2 PPI specifier carries the mask of CPUs it goes to; a GICv3 one does not.
	ppiFlags := uint32(irqLevelHigh)
	if b.GIC == 2 {
		ppiFlags |= (1<<b.CPUs - 1) << 8
	}
	var irqs []uint32
	for _, ppi := range timerPPIs {
		irqs = append(irqs, irqPPI, ppi, ppiFlags)
	}
	r.AddChild("timer").SetU32("interrupts", irqs...).SetEmpty("always-on").
		SetStrings("compatible", "arm,armv8-timer", "arm,armv7-timer")

	r.AddChild("apb-pclk").SetPhandle(clockPhandle).SetString("clock-output-names", "clk24mhz").
		SetU32("clock-frequency", apbClockHz).SetU32("#clock-cells", 0).SetString("compatible", "fixed-clock")

	r.AddChild("chosen").SetString("stdout-path", fmt.Sprintf("/pl011@%x", UARTBase))
	setChosen(t, b.Bootargs, b.InitrdStart, b.InitrdEnd)
	return t, nil
}

// DTB is Tree encoded.
func (b Board) DTB() ([]byte, error) {
	t, err := b.Tree()
	if err != nil {
		return nil, err
	}
	return t.Encode()
}

// setPSCI writes the psci node for this machine's PSCI (over HVC), creating it or overwriting its values, as
// QEMU does for its own tree and for a -dtb file.
func setPSCI(t *fdt.Tree) {
	psci := t.Root.Child("psci")
	if psci == nil {
		psci = t.Root.AddChild("psci")
	}
	psci.SetU32("migrate", 0xc4000005).SetU32("cpu_on", 0xc4000003).SetU32("cpu_off", 0x84000002).
		SetU32("cpu_suspend", 0xc4000001).SetString("method", "hvc").
		SetStrings("compatible", "arm,psci-1.0", "arm,psci-0.2", "arm,psci")
}

// setChosen sets what a boot loader owns in /chosen, creating the node if needed, as QEMU does for its own
// tree and for one given with -dtb: bootargs when non-empty, the initrd range when there is one. The range is
// one cell per address when it fits, as QEMU writes it (Linux reads either width).
func setChosen(t *fdt.Tree, bootargs string, initrdStart, initrdEnd uint64) {
	chosen := t.Root.Child("chosen")
	if chosen == nil {
		chosen = t.Root.AddChild("chosen")
	}
	if bootargs != "" {
		chosen.SetString("bootargs", bootargs)
	}
	if initrdStart == 0 && initrdEnd == 0 {
		return
	}
	if initrdEnd <= 0xffff_ffff {
		chosen.SetU32("linux,initrd-start", uint32(initrdStart)).SetU32("linux,initrd-end", uint32(initrdEnd))
	} else {
		chosen.SetU64("linux,initrd-start", initrdStart).SetU64("linux,initrd-end", initrdEnd)
	}
}
