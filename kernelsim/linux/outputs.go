package linux

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Kernel is one of the kernels `make linux` builds into out/.
type Kernel struct {
	Name    string // 6.1, 6.1-fixed, 6.12, 6.12-fixed
	Image   string // its arm64 Image in out/
	Vmlinux string // its ELF with DWARF in out/
	GIC     int    // the GIC its experiment runs on (QEMU's -M virt,gic-version=)
	Append  string // what its command lines add to BaseCmdline's (pseudo-NMI on 6.12)
}

var (
	Linux61      = Kernel{Name: "6.1", Image: "Image", Vmlinux: "vmlinux", GIC: 2}
	Linux61Fixed = Kernel{Name: "6.1-fixed", Image: "Image-fixed", Vmlinux: "vmlinux-fixed", GIC: 2}
	Linux612     = Kernel{Name: "6.12", Image: "Image-6.12", Vmlinux: "vmlinux-6.12", GIC: 3,
		Append: "irqchip.gicv3_pseudo_nmi=1"}
	Linux612Fixed = Kernel{Name: "6.12-fixed", Image: "Image-6.12-fixed", Vmlinux: "vmlinux-6.12-fixed", GIC: 3,
		Append: "irqchip.gicv3_pseudo_nmi=1"}
)

// InitramfsFile is the initramfs in out/, the same for every kernel.
const InitramfsFile = "initramfs.cpio"

const (
	// BaseCmdline boots to the init's default scenario (hello).
	BaseCmdline = "console=ttyAMA0 rdinit=/init"
	// PerfCmdline runs the lkml experiment, with Linux's RCU stall detector at 3 s instead of 21 s.
	PerfCmdline = BaseCmdline + " hwbp.scenario=perf-livelock rcupdate.rcu_cpu_stall_timeout=3"
)

// OutPath is the path of a file `make linux` writes to kernelsim/linux/out/, or an error that says to run
// it when the file is missing.
func OutPath(name string) (string, error) {
	_, self, _, ok := runtime.Caller(0)
	dir := "."
	if ok && filepath.IsAbs(self) {
		dir = filepath.Dir(self)
	}
	path, err := filepath.Abs(filepath.Join(dir, "out", name))
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s is missing: run make linux (%w)", path, err)
	}
	return path, nil
}

// QEMUArgs are the qemu-system-aarch64 arguments that boot k with the initramfs on cpus CPUs, its
// Append words added to cmdline. The guest powers QEMU off itself (-no-reboot).
func QEMUArgs(k Kernel, cpus int, cmdline string) ([]string, error) {
	image, err := OutPath(k.Image)
	if err != nil {
		return nil, err
	}
	initrd, err := OutPath(InitramfsFile)
	if err != nil {
		return nil, err
	}
	if k.Append != "" {
		cmdline += " " + k.Append
	}
	return []string{"-M", fmt.Sprintf("virt,gic-version=%d", k.GIC), "-cpu", "cortex-a57",
		"-smp", fmt.Sprint(cpus), "-m", "512M", "-nographic", "-nic", "none", "-no-reboot",
		"-kernel", image, "-initrd", initrd, "-append", cmdline}, nil
}

// InitLines are the lines of a console transcript that the init printed (they start with "init: "),
// without line-end characters: what two machines booting the same files must agree on.
func InitLines(console string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(console, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(l, "init: ") {
			out = append(out, l)
		}
	}
	return out
}
